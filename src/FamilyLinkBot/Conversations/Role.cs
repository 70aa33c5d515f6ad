namespace FamilyLinkBot.Conversations;

/// <summary>Who may use a command (docs/DESIGN.md#1-who-it-serves-and-against-whom). Admins come from configuration, caseworkers from invites.</summary>
public enum Role
{
    Anyone,
    Caseworker,
    Admin,
}
