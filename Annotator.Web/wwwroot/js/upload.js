// @ts-check
/**
 * Drag-and-drop and file-picker uploads with per-file progress. Files go one per request to the project's upload
 * endpoint (a .zip is one file; the server expands it), a few at a time, so progress is exact per file and a refused
 * file never holds up the rest. Progress is reported to .NET at most every 150 ms per file.
 */

/** How many files are sent at once. */
const PARALLEL = 3;
/** Milliseconds between progress reports for one file. */
const REPORT_EVERY = 150;

/**
 * @typedef {{ invokeMethodAsync(name: string, ...args: any[]): Promise<any> }} DotNetRef
 * @typedef {{ index: number, name: string, size: number }} QueuedFile
 */

/**
 * Wires a drop zone and a file input to the upload endpoint.
 * @param {HTMLElement} zone element that accepts dropped files
 * @param {HTMLInputElement} input the file picker
 * @param {DotNetRef} dotnet the UploadPanel component
 * @param {string} url upload endpoint
 * @param {string} token antiforgery request token
 * @returns {{ dispose(): void }}
 */
export function attach(zone, input, dotnet, url, token) {
    /** @type {{ file: File, index: number }[]} */
    const queue = [];
    let next = 0;
    let running = 0;
    let depth = 0;
    /** @type {Set<XMLHttpRequest>} */
    const inFlight = new Set();

    /** @param {FileList | File[]} files */
    function enqueue(files) {
        /** @type {QueuedFile[]} */
        const added = [];
        for (const file of Array.from(files)) {
            const index = next++;
            queue.push({ file, index });
            added.push({ index, name: file.name, size: file.size });
        }
        if (added.length === 0) return;
        dotnet.invokeMethodAsync("Queued", added).then(pump);
    }

    function pump() {
        while (running < PARALLEL && queue.length > 0) {
            const item = /** @type {{ file: File, index: number }} */ (queue.shift());
            running++;
            send(item.file, item.index).finally(() => {
                running--;
                pump();
            });
        }
    }

    /**
     * @param {File} file
     * @param {number} index
     * @returns {Promise<void>}
     */
    function send(file, index) {
        return new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            inFlight.add(xhr);
            let last = 0;
            xhr.upload.onprogress = (e) => {
                const now = performance.now();
                if (now - last >= REPORT_EVERY) {
                    last = now;
                    dotnet.invokeMethodAsync("Progress", index, e.loaded);
                }
            };
            xhr.onloadend = () => {
                inFlight.delete(xhr);
                dotnet.invokeMethodAsync("Done", index, xhr.status, xhr.responseText || "").finally(resolve);
            };
            xhr.open("POST", url);
            xhr.setRequestHeader("X-CSRF-TOKEN", token);
            const form = new FormData();
            form.append("files", file, file.name);
            xhr.send(form);
        });
    }

    /** @param {DragEvent} e */
    function onDragEnter(e) {
        e.preventDefault();
        if (depth++ === 0) dotnet.invokeMethodAsync("Dragging", true);
    }
    /** @param {DragEvent} e */
    function onDragOver(e) {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    }
    /** @param {DragEvent} e */
    function onDragLeave(e) {
        e.preventDefault();
        if (--depth <= 0) {
            depth = 0;
            dotnet.invokeMethodAsync("Dragging", false);
        }
    }
    /** @param {DragEvent} e */
    function onDrop(e) {
        e.preventDefault();
        depth = 0;
        dotnet.invokeMethodAsync("Dragging", false);
        if (e.dataTransfer?.files) enqueue(e.dataTransfer.files);
    }
    function onChange() {
        if (input.files) enqueue(input.files);
        input.value = "";
    }

    zone.addEventListener("dragenter", onDragEnter);
    zone.addEventListener("dragover", onDragOver);
    zone.addEventListener("dragleave", onDragLeave);
    zone.addEventListener("drop", onDrop);
    input.addEventListener("change", onChange);

    return {
        dispose() {
            zone.removeEventListener("dragenter", onDragEnter);
            zone.removeEventListener("dragover", onDragOver);
            zone.removeEventListener("dragleave", onDragLeave);
            zone.removeEventListener("drop", onDrop);
            input.removeEventListener("change", onChange);
            queue.length = 0;
            for (const xhr of inFlight) xhr.abort();
        },
    };
}
