namespace Annotator.Web;

/// <summary>How every feature folder binds its own options in its <c>Add…</c> method.</summary>
public static class OptionsBinding
{
    /// <summary>
    /// Registers <typeparamref name="T"/> from <paramref name="section"/> (for <c>IOptions&lt;T&gt;</c>) and returns the
    /// values now, for what registration itself depends on (which transport, which limits).
    /// </summary>
    public static T BindOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var bound = configuration.GetSection(section);
        services.Configure<T>(bound);
        return bound.Get<T>() ?? new T();
    }
}
