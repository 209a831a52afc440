// ActivitySource and Meter listeners are process-wide: a tracer provider in one test would record the HttpClient and
// ASP.NET Core spans of an app started by another test running at the same time. Tests here run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
