namespace FamilyLinkBot.Alerts;

// Aho–Corasick multi-pattern search (Aho & Corasick, CACM 18(6), 1975): one pass over the text finds every
// occurrence of every pattern, in time linear in the text plus the number of occurrences. No backtracking.
internal sealed class KeywordAutomaton
{
    private readonly List<Dictionary<char, int>> _next = [];
    private readonly List<int> _fail = [];
    private readonly List<int> _outputLink = [];
    private readonly List<List<int>?> _outputs = [];
    private readonly List<int> _lengths = [];
    private bool _built;

    public KeywordAutomaton() => AddNode();

    public int PatternCount => _lengths.Count;

    /// <summary>Adds a pattern and returns its index, reported by <see cref="FindAll"/>.</summary>
    public int Add(string pattern)
    {
        if (_built)
        {
            throw new InvalidOperationException("The automaton is already built.");
        }

        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var node = 0;
        foreach (var c in pattern)
        {
            if (!_next[node].TryGetValue(c, out var child))
            {
                child = AddNode();
                _next[node].Add(c, child);
            }

            node = child;
        }

        var index = _lengths.Count;
        _lengths.Add(pattern.Length);
        (_outputs[node] ??= []).Add(index);
        return index;
    }

    public void Build()
    {
        var queue = new Queue<int>();
        foreach (var child in _next[0].Values)
        {
            _fail[child] = 0;
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in _next[node])
            {
                var f = _fail[node];
                while (f != 0 && !_next[f].ContainsKey(c))
                {
                    f = _fail[f];
                }

                _fail[child] = _next[f].TryGetValue(c, out var target) && target != child ? target : 0;
                var suffix = _fail[child];
                _outputLink[child] = _outputs[suffix] is not null ? suffix : _outputLink[suffix];
                queue.Enqueue(child);
            }
        }

        _built = true;
    }

    /// <summary>Calls <paramref name="onMatch"/>(pattern, start, length) for every occurrence, in order of end.</summary>
    public void FindAll(string text, Action<int, int, int> onMatch)
    {
        if (!_built)
        {
            throw new InvalidOperationException("Build the automaton before searching.");
        }

        var node = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int next;
            while (!_next[node].TryGetValue(c, out next) && node != 0)
            {
                node = _fail[node];
            }

            node = _next[node].TryGetValue(c, out next) ? next : 0;
            for (var n = _outputs[node] is not null ? node : _outputLink[node]; n > 0; n = _outputLink[n])
            {
                foreach (var pattern in _outputs[n]!)
                {
                    var length = _lengths[pattern];
                    onMatch(pattern, i - length + 1, length);
                }
            }
        }
    }

    private int AddNode()
    {
        _next.Add([]);
        _fail.Add(0);
        _outputLink.Add(0);
        _outputs.Add(null);
        return _next.Count - 1;
    }
}
