namespace FamilyLinkBot.Testing;

// Scripted faults (FailNext, DropConnectionNext) are used first, in the order they were added;
// then the random profile, if any. Method names match case-insensitively; "*" matches every method.
internal sealed class FaultInjector(FaultProfile? profile)
{
    private readonly Lock _gate = new();
    private readonly List<ScriptedFault> _scripted = [];
#pragma warning disable CA5394 // Seeded on purpose: a soak run with the same seed meets the same faults.
    private readonly Random _random = new(profile?.Seed ?? 0);

    public void Add(string method, FaultDecision decision, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            _scripted.Add(new ScriptedFault(method, decision) { Remaining = count });
        }
    }

    public FaultDecision? Next(string method)
    {
        lock (_gate)
        {
            var fault = _scripted.Find(f => f.Method == "*" || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase));
            if (fault is not null)
            {
                if (--fault.Remaining == 0)
                {
                    _scripted.Remove(fault);
                }

                return fault.Decision;
            }

            if (profile is null || profile.ExemptMethods.Contains(method))
            {
                return null;
            }

            var roll = _random.NextDouble();
            if (roll < profile.Rate429)
            {
                return FaultDecision.Fail(429, profile.RetryAfter);
            }

            roll -= profile.Rate429;
            if (roll < profile.Rate502)
            {
                return FaultDecision.Fail(502, null);
            }

            roll -= profile.Rate502;
            return roll < profile.RateDrop ? FaultDecision.DropConnection(afterEffect: false) : null;
        }
    }
#pragma warning restore CA5394

    private sealed record ScriptedFault(string Method, FaultDecision Decision)
    {
        public int Remaining { get; set; }
    }
}
