// @ts-check
/**
 * Remembers light or dark mode in this browser (see ThemeSetting.cs): a cookie the server reads to render the next
 * page in the right colours from the start. A year; every page of the app; not sent to other sites.
 */

/** @param {string} value the setting, as ThemeSetting writes it */
export function remember(value) {
    document.cookie = `annotator-theme=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
}
