namespace Annotator.Core;

internal static class Guard
{
    /// <summary>Trims <paramref name="value"/> and checks it is present and not longer than <paramref name="max"/>.</summary>
    public static string RequiredText(string? value, string what, int max)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new DomainException($"{what} is required.");
        }
        if (trimmed.Length > max)
        {
            throw new DomainException($"{what} must be at most {max} characters.");
        }
        return trimmed;
    }

    public static string OptionalText(string? value, string what, int max)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length > max)
        {
            throw new DomainException($"{what} must be at most {max} characters.");
        }
        return trimmed;
    }
}
