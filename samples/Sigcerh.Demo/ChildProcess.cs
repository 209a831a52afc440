using System.Diagnostics;

namespace Sigcerh.Demo;

/// <summary>A process the demo started: its output goes to a file (and to the console when it fails), it dies with the demo.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _output;
    private readonly Lock _gate = new();

    private ChildProcess(string name, Process process, StreamWriter output)
    {
        Name = name;
        _process = process;
        _output = output;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="file"/>; stdout and stderr are appended to <paramref name="outputFile"/>.</summary>
    public static ChildProcess Start(
        string name, string file, IEnumerable<string> args, IDictionary<string, string> environment, string workingDirectory, string outputFile)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        var output = new StreamWriter(outputFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = psi };
        var child = new ChildProcess(name, process, output);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name} ({file}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Kills the whole process tree and waits for it.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        lock (_gate)
        {
            _output.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output arriving after shutdown is not needed.
            }
        }
    }
}
