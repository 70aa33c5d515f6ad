using System.Text;

namespace FamilyLinkBot.Crypto;

// Associated data for one stored field (docs/DESIGN.md#3-cryptography): binds a ciphertext to its table,
// column and row, so a blob copied elsewhere fails to decrypt. Encoded as
// UTF-8("familylinkbot/v1" NUL Table NUL Column NUL RowId); parts may not contain
// NUL, which makes the encoding injective.
public readonly record struct FieldContext(string Table, string Column, string RowId)
{
    private static ReadOnlySpan<byte> Domain => "familylinkbot/v1"u8;

    // An upper bound on the encoded size, cheap enough to size a stack buffer.
    internal int MaxByteCount
    {
        get
        {
            Validate();
            return Domain.Length + 3 + Encoding.UTF8.GetMaxByteCount(Table.Length + Column.Length + RowId.Length);
        }
    }

    internal int Write(Span<byte> destination)
    {
        Validate();
        Domain.CopyTo(destination);
        int written = Domain.Length;
        destination[written++] = 0;
        written += Encoding.UTF8.GetBytes(Table, destination[written..]);
        destination[written++] = 0;
        written += Encoding.UTF8.GetBytes(Column, destination[written..]);
        destination[written++] = 0;
        written += Encoding.UTF8.GetBytes(RowId, destination[written..]);
        return written;
    }

    internal byte[] ToAssociatedData()
    {
        byte[] buffer = new byte[MaxByteCount];
        return buffer.AsSpan(0, Write(buffer)).ToArray();
    }

    // Checked at use rather than construction so that default(FieldContext) and
    // `with` expressions cannot slip past.
    private void Validate()
    {
        Check(Table, nameof(Table));
        Check(Column, nameof(Column));
        Check(RowId, nameof(RowId));
    }

    private static void Check(string? part, string paramName)
    {
        if (part is null || part.Contains('\0', StringComparison.Ordinal))
        {
            throw Error.Argument_ContextPart(paramName);
        }
    }
}
