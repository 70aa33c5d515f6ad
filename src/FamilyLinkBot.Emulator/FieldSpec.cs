namespace FamilyLinkBot.Testing;

// One parameter of a Bot API method, or one field of a Bot API type, as api.min.json lists it.
internal sealed record FieldSpec(string Name, IReadOnlyList<string> Types, bool Required);
