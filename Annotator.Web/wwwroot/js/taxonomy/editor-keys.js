// @ts-check
/**
 * Keyboard shortcuts of the taxonomy editor (TaxonomyEditor.razor): Ctrl+Z (⌘Z) undoes the last edit of the draft,
 * Ctrl+Shift+Z or Ctrl+Y redoes it, Ctrl+S saves the draft instead of opening the browser's "save page". In a text
 * field Ctrl+Z and Ctrl+Y stay the field's own undo; Ctrl+S first commits the field (blur) so what was typed is saved.
 * Nothing happens while a dialog is open: it has its own fields and buttons.
 */

/** @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} DotNetRef */

/**
 * @param {EventTarget | null} target
 * @returns {boolean} whether the key goes to a text field (which keeps its own undo)
 */
function isTextField(target) {
    if (!(target instanceof HTMLElement)) {
        return false;
    }
    if (target.isContentEditable || target instanceof HTMLTextAreaElement) {
        return true;
    }
    return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'color', 'range'].includes(target.type);
}

/**
 * Starts listening; call dispose() on the result to stop.
 * @param {DotNetRef} dotNet the page, with KeyUndo, KeyRedo and KeySave
 * @returns {{ dispose: () => void }}
 */
export function attach(dotNet) {
    /** @param {KeyboardEvent} e */
    const onKey = (e) => {
        if (!(e.ctrlKey || e.metaKey) || e.altKey || document.querySelector('.mud-dialog-container')) {
            return;
        }
        const key = e.key.toLowerCase();
        if (key === 's') {
            e.preventDefault();
            if (isTextField(document.activeElement)) {
                /** @type {HTMLElement} */ (document.activeElement).blur();
            }
            void dotNet.invokeMethodAsync('KeySave');
            return;
        }
        if ((key !== 'z' && key !== 'y') || isTextField(e.target)) {
            return;
        }
        e.preventDefault();
        void dotNet.invokeMethodAsync(key === 'y' || e.shiftKey ? 'KeyRedo' : 'KeyUndo');
    };
    document.addEventListener('keydown', onKey);
    return { dispose: () => document.removeEventListener('keydown', onKey) };
}
