// @ts-check
/**
 * Remembers light or dark mode in this browser (see ThemeSetting.cs): a cookie the server reads to render the next
 * page in the right colours from the start. A year; every page of the app; not sent to other sites.
 */

/** @param {string} value the setting, as ThemeSetting writes it */
export function remember(value) {
    document.cookie = `annotator-theme=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
}

/** @type {MediaQueryList | null} */
let query = null;
/** @type {((e: MediaQueryListEvent) => void) | null} */
let listener = null;

/**
 * Tells .NET the system's light/dark setting now and on every change (one watcher per page; a second call replaces it).
 * @param {{invokeMethodAsync: (name: string, ...args: unknown[]) => Promise<unknown>}} dotnet
 * @returns {boolean} whether the system is in dark mode now
 */
export function watchSystem(dotnet) {
    unwatchSystem();
    query = window.matchMedia('(prefers-color-scheme: dark)');
    listener = (e) => { dotnet.invokeMethodAsync('SystemDarkModeChanged', e.matches).catch(() => { }); };
    query.addEventListener('change', listener);
    return query.matches;
}

/** Stops telling .NET about system changes. */
export function unwatchSystem() {
    if (query && listener) query.removeEventListener('change', listener);
    query = null;
    listener = null;
}
