using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Tests.Support;

/// <summary>Captures every log line at every level, formatted, with exception text, for the log-safety checks.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public string AllText => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private static readonly string? DebugFile = Environment.GetEnvironmentVariable("FLB_TEST_LOG_FILE");

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += " | " + exception;
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                line += " | " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            sink._lines.Enqueue(line);
            if (logLevel >= LogLevel.Warning && DebugFile is { Length: > 0 } file)
            {
                // A developer's aid while porting to another engine: FLB_TEST_LOG_FILE collects warnings and errors.
                lock (DebugFile)
                {
                    File.AppendAllText(file, line + Environment.NewLine);
                }
            }
        }
    }
}
