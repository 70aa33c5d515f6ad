using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace FamilyLinkBot.Conversations;

/// <summary>
/// Callback data of inline buttons: <c>1.{menuId}.{index}</c>, at most 20 bytes (Telegram allows 64).
/// It names no case, chat or action: the index is looked up in the chat's stored menu, so forged or
/// old data can only miss and is answered "this button has expired".
/// </summary>
public static class CallbackData
{
    private const string Version = "1";

    public static string NewMenuId()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    public static string For(string menuId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Version}.{menuId}.{index}");

    public static bool TryParse(string? data, out string menuId, out int index)
    {
        menuId = "";
        index = -1;
        if (data is null || data.Length > 64)
        {
            return false;
        }

        var parts = data.Split('.');
        if (parts.Length != 3 || parts[0] != Version || parts[1].Length != 11)
        {
            return false;
        }

        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out index) || index > 99)
        {
            index = -1;
            return false;
        }

        menuId = parts[1];
        return true;
    }
}
