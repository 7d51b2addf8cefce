namespace Annotator.Core;

/// <summary>A rule of the domain was broken. The message is written for the user who caused it.</summary>
public sealed class DomainException(string message) : Exception(message);
