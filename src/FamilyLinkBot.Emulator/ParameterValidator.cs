using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FamilyLinkBot.Testing;

// Checks a request's parameters against the method's entry in api.min.json: required ones present,
// each value of one of the listed types (recursively through object types). Unknown parameters pass,
// because Telegram.Bot may speak a newer Bot API than the reference. Like Telegram, it accepts
// numbers and booleans written as strings, and objects written as JSON-serialized strings.
internal static class ParameterValidator
{
    private const int MaxDepth = 16;

    private static readonly HashSet<string> Scalars = ["Integer", "Float", "Boolean", "True", "String", "InputFile"];

    public static void Validate(BotApiSpec spec, MethodSpec method, JsonObject parameters)
    {
        foreach (var field in method.Fields)
        {
            var value = parameters[field.Name];
            if (value is null || (value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0))
            {
                if (field.Required)
                {
                    throw Error.Missing(method.Name, field.Name);
                }

                continue;
            }

            value = Normalize(value, field.Types);
            if (!ReferenceEquals(value, parameters[field.Name]))
            {
                parameters[field.Name] = value;
            }

            if (Check(spec, value, field.Types, field.Name, 0) is { } failure)
            {
                throw field.Name == "reply_markup"
                    ? Error.CantParseReplyMarkup($"field \"{failure.Path}\" must be of type {string.Join(" or ", failure.Expected)}")
                    : Error.WrongType(failure.Path, failure.Expected);
            }
        }
    }

    // Strings standing for numbers, booleans or JSON-serialized objects become those values.
    private static JsonNode Normalize(JsonNode value, IReadOnlyList<string> types)
    {
        if (value.GetValueKind() != JsonValueKind.String || types.Contains("String") || types.Contains("InputFile"))
        {
            return value;
        }

        var text = value.GetValue<string>();
        if (types.Any(t => !Scalars.Contains(t)))
        {
            try
            {
                return JsonNode.Parse(text) ?? value;
            }
            catch (JsonException)
            {
                return value;
            }
        }

        if (types.Contains("Integer") && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (types.Contains("Float") && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        if ((types.Contains("Boolean") || types.Contains("True")) && bool.TryParse(text, out var flag))
        {
            return JsonValue.Create(flag);
        }

        return value;
    }

    private static Failure? Check(BotApiSpec spec, JsonNode? node, IReadOnlyList<string> types, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return new Failure(path, ["a less deeply nested value"]);
        }

        var failures = new List<Failure>();
        foreach (var type in types)
        {
            var failure = CheckOne(spec, node, type, path, depth);
            if (failure is null)
            {
                return null;
            }

            failures.Add(failure);
        }

        // Report the problem of the alternative that got furthest into the value (the object the bot
        // meant to send), or else the list of types this value could have had.
        var deepest = failures.Where(f => f.Path != path).MaxBy(f => f.Path.Length);
        return deepest ?? new Failure(path, types);
    }

    private static Failure? CheckOne(BotApiSpec spec, JsonNode? node, string type, string path, int depth)
    {
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        var mismatch = new Failure(path, [type]);
        switch (type)
        {
            case "Integer":
                return kind switch
                {
                    JsonValueKind.Number when IsIntegral(node!) => null,
                    JsonValueKind.String when long.TryParse(node!.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => null,
                    _ => mismatch,
                };
            case "Float":
                return kind switch
                {
                    JsonValueKind.Number => null,
                    JsonValueKind.String when double.TryParse(node!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) => null,
                    _ => mismatch,
                };
            case "Boolean":
                return kind switch
                {
                    JsonValueKind.True or JsonValueKind.False => null,
                    JsonValueKind.String when bool.TryParse(node!.GetValue<string>(), out _) => null,
                    _ => mismatch,
                };
            case "True":
                return kind == JsonValueKind.True ? null : mismatch;
            case "String":
                return kind is JsonValueKind.String or JsonValueKind.Number ? null : mismatch;
            case "InputFile":
                return kind == JsonValueKind.String ? null : mismatch;
        }

        if (type.StartsWith("Array of ", StringComparison.Ordinal))
        {
            if (node is not JsonArray array)
            {
                return mismatch;
            }

            var elementType = type["Array of ".Length..];
            for (var i = 0; i < array.Count; i++)
            {
                if (Check(spec, array[i], [elementType], $"{path}[{i}]", depth + 1) is { } failure)
                {
                    return failure;
                }
            }

            return null;
        }

        var typeSpec = spec.FindType(type);
        if (typeSpec is null)
        {
            return null; // a type newer than the reference: nothing to check against
        }

        if (typeSpec.Subtypes.Count > 0)
        {
            return Check(spec, node, typeSpec.Subtypes, path, depth + 1) is null ? null : mismatch;
        }

        if (node is not JsonObject obj)
        {
            return mismatch;
        }

        foreach (var field in typeSpec.Fields)
        {
            var value = obj[field.Name];
            if (value is null)
            {
                if (field.Required)
                {
                    return new Failure($"{path}.{field.Name}", field.Types);
                }

                continue;
            }

            if (Check(spec, value, field.Types, $"{path}.{field.Name}", depth + 1) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    private static bool IsIntegral(JsonNode node) =>
        node.AsValue().TryGetValue<long>(out _)
        || (node.AsValue().TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon && Math.Abs(d) < 9.2e18);

    private sealed record Failure(string Path, IReadOnlyList<string> Expected);
}
