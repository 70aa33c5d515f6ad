namespace FamilyLinkBot.Testing;

// What the fault injector decided for one request: nothing, an error answer, or a dropped connection
// (before the request takes effect, or after it, which is how a duplicate send arises).
internal sealed record FaultDecision(int StatusCode, int? RetryAfter, bool Drop, bool DropAfterEffect)
{
    public static FaultDecision Fail(int statusCode, int? retryAfter) => new(statusCode, retryAfter, false, false);

    public static FaultDecision DropConnection(bool afterEffect) => new(0, null, true, afterEffect);
}
