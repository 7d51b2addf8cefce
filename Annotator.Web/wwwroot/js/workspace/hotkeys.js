// @ts-check
/**
 * Keyboard shortcuts of the workspace. Keys are ignored while the user types in a form field outside the canvas
 * host. The active drawing tool sees a key first (Enter / Escape / Backspace while drawing).
 */

/** @typedef {import('./tools/tool.js').Label} Label */
/**
 * @typedef {Object} HotkeyActions
 * @property {(e: KeyboardEvent) => boolean} toolKey   offers the key to the active tool
 * @property {(name: string) => void} setTool
 * @property {() => Label[]} labels
 * @property {(label: Label) => void} labelKey          relabel the selection, or set the drawing label
 * @property {() => number} selectionCount
 * @property {() => void} deselect
 * @property {() => void} deleteSelection
 * @property {() => boolean} copy
 * @property {() => void} paste
 * @property {(name: 'Undo'|'Redo') => void} history
 * @property {(dir: number) => void} restack
 * @property {(field: 'hidden'|'locked') => void} toggle
 * @property {(dir: number) => void} cycle
 * @property {(factor: number) => void} zoom
 * @property {() => void} fit
 * @property {() => void} actualSize
 * @property {(delta: number) => void} brush
 * @property {() => void} help
 * @property {(where: 'next'|'previous') => void} navigate
 */

/** Tool letters. */
const TOOL_KEYS = /** @type {Record<string, string>} */ ({
    v: 'select', b: 'box', r: 'rotatedBox', p: 'polygon', f: 'freehand', l: 'polyline', t: 'point', e: 'ellipse',
    k: 'keypoints', m: 'brush', x: 'eraser',
});

/**
 * Whether the key event comes from a text field outside the host (then the workspace leaves it alone).
 * @param {KeyboardEvent} e @param {HTMLElement} host
 */
export function fromFormField(e, host) {
    const t = /** @type {HTMLElement|null} */ (e.target instanceof HTMLElement ? e.target : null);
    if (!t || host.contains(t)) return false;
    if (t instanceof HTMLInputElement && (t.type === 'checkbox' || t.type === 'radio')) {
        // A ticked box holds no text: only the keys that operate it stay with it; tool and label keys still work.
        return e.key === ' ' || e.key === 'Enter' || e.key === 'Tab' || e.key.startsWith('Arrow');
    }
    return t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

/**
 * Runs the shortcut for a key; returns true if the key was used (the caller prevents the default action).
 * @param {KeyboardEvent} e @param {HotkeyActions} a
 */
export function handleKey(e, a) {
    if (a.toolKey(e)) return true;
    const key = e.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;
    if (e.ctrlKey || e.metaKey) {
        if (e.altKey) return false;
        switch (lower) {
            case 'z': a.history(e.shiftKey ? 'Redo' : 'Undo'); return true;
            case 'y': a.history('Redo'); return true;
            case 'c': {
                const text = window.getSelection();
                return a.selectionCount() > 0 && (!text || text.isCollapsed) && a.copy();
            }
            case 'v': a.paste(); return true;
            case '0': a.fit(); return true;
            case '1': a.actualSize(); return true;
            case 'ArrowRight': a.navigate('next'); return true;
            case 'ArrowLeft': a.navigate('previous'); return true;
            default: return false;
        }
    }
    if (e.altKey) return false;
    switch (key) {
        case 'Escape': a.deselect(); return true;
        case 'Delete':
        case 'Backspace': a.deleteSelection(); return true;
        case 'Tab': a.cycle(e.shiftKey ? -1 : 1); return true;
        case 'PageUp': a.restack(1); return true;
        case 'PageDown': a.restack(-1); return true;
        case '+':
        case '=': a.zoom(1.25); return true;
        case '-':
        case '_': a.zoom(0.8); return true;
        case '[': a.brush(-1); return true;
        case ']': a.brush(1); return true;
        case '?': a.help(); return true;
        case 'n':
        case 'N': a.navigate(e.shiftKey ? 'previous' : 'next'); return true;
        case 'h':
        case 'H': a.toggle('hidden'); return true;
        case 'L': a.toggle('locked'); return true;
    }
    if (e.repeat) return false;
    const label = a.labels().find((l) => l.hotkey && l.hotkey.toLowerCase() === lower && !e.shiftKey);
    if (label) {
        a.labelKey(label);
        return true;
    }
    if (!e.shiftKey && TOOL_KEYS[lower]) {
        a.setTool(TOOL_KEYS[lower]);
        return true;
    }
    return false;
}
