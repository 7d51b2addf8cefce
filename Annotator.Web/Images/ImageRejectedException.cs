namespace Annotator.Web.Images;

/// <summary>A file was refused; the message says why, for the person who uploaded it.</summary>
public sealed class ImageRejectedException(string message) : Exception(message);
