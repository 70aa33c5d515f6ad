namespace FamilyLinkBot.Testing;

// A Bot API method from api.min.json: its exact name, parameters and return types.
internal sealed record MethodSpec(string Name, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<string> Returns);
