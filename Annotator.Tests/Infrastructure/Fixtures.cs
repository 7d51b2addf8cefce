namespace Annotator.Tests.Infrastructure;

/// <summary>Test files: the bad and EXIF fixtures under TestData, and the demo images shipped with the app.</summary>
public static class Fixtures
{
    /// <summary>TestData in the test output folder.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>The good sample images (the app's demo data, copied to the test output by the Web project).</summary>
    public static string GoodImages { get; } = Path.Combine(AppContext.BaseDirectory, "DemoData", "images");

    /// <summary>A fixture by path relative to TestData, e.g. "bad-images/empty.jpg".</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>A good image by file name, e.g. "rocket.jpg".</summary>
    public static string Good(string name) => Path.Combine(GoodImages, name);

    /// <summary>The EXIF-rotated photo: stored 640×427, displayed 427×640.</summary>
    public static string ExifRotated => PathOf("exif/rocket-orientation-6.jpg");

    /// <summary>The bad images that must all be refused.</summary>
    public static TheoryData<string> BadImages { get; } =
    [
        "truncated.jpg", "empty.jpg", "html-disguised.png", "script.svg", "huge-header.png", "bomb-20000x20000.png",
    ];
}
