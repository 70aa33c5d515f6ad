using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FamilyLinkBot.Testing;

// Reads a Bot API request the ways Telegram accepts one: JSON body (Telegram.Bot sends it chunked, so the
// body is read as a stream, never by Content-Length), form-urlencoded or multipart fields, and query string.
internal static class RequestReader
{
    // The raw body, for the record; form requests are rendered as JSON of their fields.
    public static async Task<(string Body, bool IsForm)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var fields = new JsonObject();
            foreach (var (key, value) in form)
            {
                fields[key] = value.ToString();
            }

            foreach (var file in form.Files)
            {
                fields[file.Name] ??= $"attach://{file.FileName}";
            }

            return (fields.ToJsonString(), true);
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return (await reader.ReadToEndAsync(ct), false);
    }

    public static JsonObject Parse(HttpRequest request, string body)
    {
        JsonObject values;
        if (string.IsNullOrWhiteSpace(body))
        {
            values = [];
        }
        else
        {
            try
            {
                values = JsonNode.Parse(body) as JsonObject ?? throw Error.InvalidJson();
            }
            catch (JsonException)
            {
                throw Error.InvalidJson();
            }
        }

        foreach (var (key, value) in request.Query)
        {
            values[key] ??= value.ToString();
        }

        return values;
    }
}
