namespace FamilyLinkBot.Testing;

// A Bot API object type from api.min.json; abstract ones (ReplyMarkup-like unions) list subtypes instead of fields.
internal sealed record TypeSpec(string Name, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<string> Subtypes);
