namespace FamilyLinkBot.Alerts;

/// <summary>Per-topic figures: true positives, false positives (alerted but not labelled), misses (labelled, not found).</summary>
public sealed record TopicFigures(string Topic, int Labelled, int TruePositives, int FalsePositives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Labelled == 0 ? 1 : (double)TruePositives / Labelled;
}
