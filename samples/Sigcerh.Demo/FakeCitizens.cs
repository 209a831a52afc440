namespace Sigcerh.Demo;

/// <summary>
/// Invented citizens the traffic generator sends. Their DNIs and emails must never reach the telemetry: the smoke test
/// searches everything the dashboard received for each of them.
/// </summary>
internal static class FakeCitizens
{
    public static readonly IReadOnlyList<(string Name, string Dni, string Email)> All =
    [
        ("María Quispe Mamani", "45871236", "maria.quispe@correo.pe"),
        ("José Huamán Condori", "70214589", "jose.huaman82@gmail.com"),
        ("Rosa Flores Ccahuana", "41025873", "rflores.ccahuana@hotmail.com"),
        ("Luis Mendoza Rojas", "08456712", "luis.mendoza@ugel.gob.pe"),
        ("Carmen Torres Vilca", "46310958", "carmen.torres.v@yahoo.es"),
        ("Pedro Apaza Choque", "72849163", "papaza@outlook.com"),
        ("Ana Gutiérrez Salas", "43197650", "ana.gutierrez.salas@correo.pe"),
        ("Jorge Ramos Paredes", "06983214", "jorge.ramos1975@gmail.com"),
    ];
}
