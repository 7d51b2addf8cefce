// @ts-check
/**
 * The canvas workspace: entry point of the bridge described in docs/workspace-protocol.md. createWorkspace() builds
 * the layers, state, tools and input inside a host element and returns the handle .NET drives.
 */
import { Editor } from './editor.js';
import { Engine } from './engine.js';
import { handleKey, ownsKey } from './hotkeys.js';
import { attachInput } from './input.js';
import { Metrics } from './metrics.js';
import { PresenceLayer } from './presence-layer.js';
import { RegionStore } from './region-store.js';
import { createSelectTool } from './select-tool.js';
import { bounds, fitInside } from './shapes.js';
import { SubmitQueue } from './submit-queue.js';
import { newId } from './ids.js';
import { TileLayer } from './tile-layer.js';
import { createToasts } from './toast.js';
import { getTool } from './tools/tool.js';
import { Viewport } from './viewport.js';

/** @typedef {import('./tools/tool.js').Label} Label */
/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./tools/tool.js').Tool} Tool */
/** @typedef {import('./tools/tool.js').ToolContext} ToolContext */
/** @typedef {import('./submit-queue.js').DotNetRef} DotNetRef */
/** @typedef {import('./protocol.js').OpResult} OpResult */
/** @typedef {import('./protocol.js').CommittedOperation} CommittedOperation */
/**
 * @typedef {{image: {id?: string, width: number, height: number, tiles?: import('./tile-layer.js').TileSpec},
 *   labels?: Label[], regions?: Region[], readOnly?: boolean, userId?: string, onError?: (message: string) => void,
 *   lastSequence?: number, storageKey?: string, connected?: boolean, onStateChanged?: () => void}} WorkspaceOptions
 * @typedef {ReturnType<typeof createWorkspace>} WorkspaceHandle
 */

/** The drawing tools register themselves; without them the workspace still selects, edits and pans. */
const toolsLoaded = import('./tools/index.js').catch(() => null);

/** for window.annotatorWorkspace */
const win = /** @type {any} */ (window);

const BRUSH_MIN = 1;
const BRUSH_MAX = 400;

/** Adds workspace.css to the document once. */
function ensureStyles() {
    const href = new URL('./workspace.css', import.meta.url).href;
    if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => /** @type {HTMLLinkElement} */ (l).href === href)) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
}

/**
 * Builds the workspace inside hostElement.
 * @param {HTMLElement} host a positioned element filling its parent
 * @param {DotNetRef} dotNet
 * @param {WorkspaceOptions} options
 */
export function createWorkspace(host, dotNet, options) {
    const received = performance.now();
    ensureStyles();
    host.classList.add('ws-host');
    if (!host.hasAttribute('tabindex')) host.tabIndex = 0;
    delete host.dataset.ready;

    const image = { id: options.image.id, width: options.image.width, height: options.image.height };
    /** @type {Map<string, Label>} */
    const labels = new Map((options.labels ?? []).map((l) => [l.id, l]));
    /** @type {Label|null} */
    let drawingLabel = (options.labels ?? []).find((l) => !l.deprecated) ?? null;
    let brushSize = 20;
    let disposed = false;
    /** the view follows the host's size with "fit" until the user zooms or pans */
    let autoFit = true;

    /** Fire-and-forget call into .NET. @param {string} name @param {...any} args */
    const call = (name, ...args) => {
        if (disposed) return;
        try {
            dotNet.invokeMethodAsync(name, ...args).catch(() => {});
        } catch {
            // the connection is down: selection and tool changes are not worth queueing
        }
    };

    // The name of the keypoint under the pointer (select tool), a DOM element so it is read like any other text.
    const tip = document.createElement('div');
    tip.className = 'ws-tip';
    tip.dataset.testid = 'keypoint-name';
    tip.hidden = true;
    host.appendChild(tip);
    /** @param {string|null} text @param {number} [sx] @param {number} [sy] CSS px in the host */
    function showTip(text, sx = 0, sy = 0) {
        if (!text) {
            tip.hidden = true;
            return;
        }
        if (tip.textContent !== text) tip.textContent = text;
        tip.style.transform = `translate(${Math.round(sx + 14)}px, ${Math.round(sy - 30)}px)`;
        tip.hidden = false;
    }
    const hideTip = () => showTip(null);
    host.addEventListener('pointerleave', hideTip);

    // Until the image layer has drawn the whole image once: "Loading image… N%" over the canvas (a large image takes
    // seconds to download), or why it could not be loaded.
    const loading = document.createElement('div');
    loading.className = 'ws-loading';
    loading.dataset.testid = 'canvas-loading';
    loading.setAttribute('role', 'status');
    loading.textContent = 'Loading image…';
    host.appendChild(loading);
    let imageShown = false;
    /** @param {{loaded: number, total: number}} p bytes of the image files on their way */
    const loadingProgress = (p) => {
        if (imageShown) return;
        const pct = p.total > 0 ? Math.min(99, Math.floor((100 * p.loaded) / p.total)) : -1;
        loading.textContent = pct >= 0 ? `Loading image… ${pct}%` : 'Loading image…';
    };
    /** @param {boolean} complete every visible part of the image is drawn (or failed) */
    const imageDrawn = (complete) => {
        if (imageShown || !complete) return;
        imageShown = true;
        if (tiles.failed > 0) {
            loading.textContent = 'The image could not be loaded. Reload the page to try again.';
            loading.classList.add('ws-loading-error');
        } else loading.remove();
    };

    const metrics = new Metrics();
    metrics.loadStart = received;
    const viewport = new Viewport(image.width, image.height);
    const store = new RegionStore(image.width, image.height);
    const toasts = createToasts(host);
    /** @param {string} message @param {boolean} [error] */
    const notify = (message, error = false) => {
        toasts.show(message, error);
        if (error) options.onError?.(message);
    };

    /** Brings back a region someone else deleted (or deleted while we were changing it), as we last had it. @param {Region} region */
    const restore = (region) => {
        const { id, labelId, kind, geometry, attributes, zOrder, hidden, locked } = region;
        const data = /** @type {Region} */ ({ id, labelId, kind, geometry, attributes: attributes ?? {}, zOrder: zOrder ?? 0, hidden: !!hidden, locked: !!locked, revision: 0 });
        queue.submit([{ opId: newId(), type: 'create', region: data }]);
        editor.select([region.id]);
    };
    const queue = new SubmitQueue(store, dotNet, {
        changed: () => {
            editor.prune();
            engine.regionsChanged();
        },
        error: (message) => notify(message, true),
        conflict: (result, intended) => {
            const who = result.by ? `${result.by} ` : 'Someone else ';
            if (result.conflict === 'deleted' && intended) {
                toasts.show(`${who}deleted this region while you were changing it.`, true, { label: 'Restore', run: () => restore(intended) });
            } else {
                toasts.show(`${result.error ?? 'Your change collided with someone else\'s.'} Now showing theirs.`, true);
            }
            options.onError?.(result.error ?? 'conflict');
        },
        remoteDeleted: (region, result) => {
            if (!editor.selection.includes(region.id)) return;
            const who = result.authorName || 'Someone else';
            toasts.show(`${who} deleted the region you were editing.`, true, { label: 'Restore', run: () => restore(region) });
        },
        stateChanged: () => options.onStateChanged?.(),
    }, { storageKey: options.storageKey, lastSequence: options.lastSequence ?? 0, connected: options.connected ?? true });
    const editor = new Editor({
        store, queue, labels, image,
        scale: () => viewport.scale,
        visibleRect: () => viewport.visibleRect(),
        notify,
        selectionChanged: (ids) => {
            engine.invalidate({ overlay: true });
            call('SelectionChanged', ids);
        },
    });
    editor.readOnly = !!options.readOnly;

    const presence = new PresenceLayer(host, {
        viewport, store, image, imageTransform: (c) => engine.imageTransform(c), invalidate: () => engine.invalidate({ overlay: true }),
    });
    const tiles = new TileLayer(image.width, image.height, options.image.tiles, () => engine.invalidate({ image: true }), loadingProgress);
    const engine = new Engine(host, {
        viewport, store, tiles, metrics, labels,
        paintOverlay: (c) => {
            presence.draw(c);
            if (active !== select) select.drawSelection(c, false);
            active.drawPreview(c);
        },
        // Ready = drawn and every tool loaded (the tools module loads alongside), so a tool key works at once.
        onFirstDraw: () => {
            toolsLoaded.then(() => {
                if (!disposed) host.dataset.ready = 'true';
            });
        },
        onResize: () => {
            if (autoFit) viewport.fit();
        },
        onImageDrawn: imageDrawn,
    });

    /** @type {ToolContext} */
    const toolContext = {
        image: { width: image.width, height: image.height },
        toScreen: (x, y) => viewport.toScreen(x, y),
        toImage: (sx, sy) => viewport.toImage(sx, sy),
        scale: () => viewport.scale,
        label: () => drawingLabel,
        clampPoint: (x, y) => ({ x: Math.min(image.width, Math.max(0, x)), y: Math.min(image.height, Math.max(0, y)) }),
        create: (kind, geometry, attributes) => {
            if (editor.readOnly || !editor.allows(drawingLabel, kind) || !drawingLabel) return null;
            const g = kind === 'mask' ? geometry : fitInside(kind, geometry, image.width, image.height);
            return editor.createMany([{ labelId: drawingLabel.id, kind, geometry: g, attributes }])[0] ?? null;
        },
        update: (regionId, set) => editor.update([{ id: regionId, set }]),
        selected: () => editor.selected(),
        select: (ids) => editor.select(ids),
        requestRender: () => engine.invalidate({ overlay: true }),
        notify: (m) => notify(m),
        brushSize: () => brushSize,
        setExclude: (ids) => engine.setExclude(ids),
    };

    const select = createSelectTool(toolContext, {
        editor, labels,
        setExclude: (ids) => engine.setExclude(ids),
        excluded: (id) => !!engine.exclude?.has(id),
        imageTransform: (c) => engine.imageTransform(c),
        showTip,
    });
    /** @type {Tool} */
    const pan = {
        name: 'pan', cursor: 'grab',
        pointerDown: () => false, pointerMove: () => {}, pointerUp: () => {}, cancel: () => {},
        drawPreview: (c) => select.drawSelection(c, false),
    };
    /** @type {Map<string, Tool>} */
    const tools = new Map([['select', select], ['pan', pan]]);
    /** @type {Tool} */
    let active = select;
    let wantedTool = 'select';

    /**
     * Switches tools (drawing tools are refused when read-only).
     * @param {string} name @param {boolean} fromKey tell .NET (a hotkey changed it)
     */
    function setTool(name, fromKey) {
        if (editor.readOnly && name !== 'select' && name !== 'pan') return;
        wantedTool = name;
        let tool = tools.get(name);
        if (!tool) {
            const factory = getTool(name);
            if (!factory) {
                toolsLoaded.then(() => {
                    if (!disposed && wantedTool === name && getTool(name)) setTool(name, fromKey);
                    else if (!disposed && wantedTool === name) notify(`The ${name} tool is not available.`);
                });
                return;
            }
            tool = factory(toolContext);
            tools.set(name, tool);
        }
        if (tool === active) return;
        active.cancel();
        active = tool;
        updateCursor();
        engine.invalidate({ overlay: true });
        if (fromKey) call('ToolChanged', name);
    }

    function updateCursor() {
        const c = input.cursor() ?? active.cursor;
        if (host.style.cursor !== c) host.style.cursor = c;
    }

    /** The workspace handles keys unless a control elsewhere uses them (hotkeys.js). @param {KeyboardEvent} e */
    const ownsKeys = (/** @type {KeyboardEvent} */ e) => ownsKey(e, host);

    /** A view change by the user (or .NET); ends auto-fit. */
    const viewChanged = () => {
        autoFit = false;
        engine.viewChanged();
    };

    const input = attachInput(host, {
        viewport,
        viewChanged,
        tool: () => active,
        panTool: () => active === pan,
        ownsKeys,
        cursorChanged: updateCursor,
    });

    /** @param {number} factor */
    const zoomCentre = (factor) => {
        viewport.zoomAt(factor, viewport.width / 2, viewport.height / 2);
        viewChanged();
    };
    const fit = () => {
        viewport.fit();
        engine.viewChanged();
        autoFit = true;
    };
    const actualSize = () => {
        viewport.actualSize();
        viewChanged();
    };

    /** @param {KeyboardEvent} e */
    function keydown(e) {
        if (e.defaultPrevented || !ownsKeys(e)) return;
        const focus = document.activeElement;
        if (e.key === 'Tab' && focus && focus !== document.body && !host.contains(focus)) return;
        const used = handleKey(e, {
            toolKey: (ev) => (active !== select && active.keyDown ? active.keyDown(ev) : false),
            setTool: (name) => setTool(name, true),
            labels: () => [...labels.values()].filter((l) => !l.deprecated),
            // With the select tool a label key relabels the selection; while drawing it picks the label of the next
            // shape (the shape just drawn stays selected, and relabeling it by surprise would lose the user's intent).
            labelKey: (label) => {
                if (editor.selection.length && (active === select || active === pan)) editor.relabelSelected(label);
                else {
                    drawingLabel = label;
                    engine.invalidate({ overlay: true });
                    call('LabelChanged', label.id);
                }
            },
            selectionCount: () => editor.selection.length,
            deselect: () => {
                active.cancel();
                editor.select([]);
            },
            deleteSelection: () => editor.deleteSelected(),
            copy: () => editor.copy(),
            paste: () => editor.paste(),
            history: (name) => {
                active.cancel();
                queue.call(name);
            },
            restack: (dir) => editor.restack(dir),
            toggle: (field) => editor.toggleFlag(field),
            cycle: (dir) => editor.cycle(dir),
            zoom: zoomCentre,
            fit,
            actualSize,
            brush: (dir) => {
                brushSize = Math.round(Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, dir > 0 ? brushSize * 1.2 + 1 : brushSize / 1.2 - 1)));
                engine.invalidate({ overlay: true });
            },
            help: () => call('ShowHelp'),
            navigate: (where) => call('Navigate', where),
            done: () => {
                if (!editor.readOnly) call('Done');
            },
            skip: () => {
                if (!editor.readOnly) call('Skip');
            },
        });
        if (used) e.preventDefault();
    }
    document.addEventListener('keydown', keydown);

    queue.load(options.regions ?? [], options.lastSequence ?? 0);
    const restored = queue.restoreStored();
    queue.catchUpSoon();
    if (restored) notify(`Sending ${restored === 1 ? '1 region' : `${restored} regions`} you changed before the reload…`);

    const handle = {
        /** @param {string} name */
        setTool: (name) => setTool(name, false),
        /** @param {string} labelId */
        setLabel(labelId) {
            drawingLabel = labels.get(labelId) ?? null;
            engine.invalidate({ overlay: true });
        },
        /**
         * A new taxonomy version: names, colours, hotkeys and skeletons change in place (regions keep their label ids);
         * the regions publishing relabeled arrive on the feed like any other committed operation. @param {Label[]|string} list
         */
        setLabels(list) {
            const next = /** @type {Label[]} */ (typeof list === 'string' ? JSON.parse(list) : list);
            labels.clear();
            for (const l of next) labels.set(l.id, l);
            if (drawingLabel) drawingLabel = labels.get(drawingLabel.id) ?? null;
            engine.invalidate({ annotations: true, overlay: true });
        },
        /** @param {number} px */
        setBrushSize(px) {
            brushSize = Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, px));
            engine.invalidate({ overlay: true });
        },
        /**
         * The one entry point for committed operations from the server (the feed, the side panel, undo and redo):
         * applied in sequence order. @param {CommittedOperation|string} result
         */
        receive(result) {
            queue.receive(typeof result === 'string' ? JSON.parse(result) : result);
        },
        /** The connection to the server went down or came back. @param {boolean} up */
        setConnected(up) {
            queue.setConnected(!!up);
        },
        /** Operations made here and not yet confirmed by the server. */
        pendingCount: () => queue.pendingCount,
        /**
         * The newest sequence number applied, whether the session ended and whether the server's storage is full
         * (read-only; for scripts and tests).
         */
        sync: () => ({ lastSequence: queue.lastSequence, pending: queue.pendingCount, connected: queue.connected, signedOut: queue.signedOut,
            storageFull: queue.storageFull }),
        /** Every region as displayed (read-only copies; for scripts and tests). */
        regions: () => [...store.records.values()].map((rec) => ({ ...rec.region })),
        /** @param {string} opId @param {Region|null} currentRegion */
        rejectLocal(opId, currentRegion) {
            queue.rejectLocal(opId, currentRegion ?? null);
        },
        /**
         * Sets the visibility of one keypoint of a region (the side panel's point list) as one operation: 2 visible,
         * 1 occluded, 0 not labelled. Returns null, or why nothing changed.
         * @param {string} id @param {number} index @param {number} v
         */
        setKeypointVisibility: (id, index, v) => editor.setKeypointVisibility(id, index, v),
        /** @param {string[]} ids */
        select(ids) {
            editor.select(ids ?? [], false);
            engine.invalidate({ overlay: true });
        },
        /** Centres the view on a region (zooming out if it does not fit) and selects it. @param {string} id */
        focusRegion(id) {
            const r = store.get(id);
            if (!r) return;
            const b = bounds(r.kind, r.geometry);
            const fits = Math.min((viewport.width * 0.8) / Math.max(b.w, 1), (viewport.height * 0.8) / Math.max(b.h, 1));
            if (fits < viewport.scale) viewport.zoomAt(fits / viewport.scale, viewport.width / 2, viewport.height / 2);
            viewport.center(b.x + b.w / 2, b.y + b.h / 2);
            viewChanged();
            editor.select([id], false);
            engine.invalidate({ overlay: true });
        },
        fit,
        actualSize,
        /** @param {number} factor */
        zoomBy: (factor) => zoomCentre(factor),
        /** @param {boolean} readOnly */
        setReadOnly(readOnly) {
            editor.readOnly = !!readOnly;
            if (editor.readOnly && active !== select && active !== pan) setTool('select', true);
            active.cancel();
            engine.invalidate({ overlay: true });
        },
        /**
         * Where image pixel (x, y) is in the page (client coordinates): for scripts and tests that drive the canvas
         * with a real mouse. @param {number} x @param {number} y
         */
        imageToClient(x, y) {
            const box = host.getBoundingClientRect();
            const p = viewport.toScreen(x, y);
            return { x: box.left + p.x, y: box.top + p.y };
        },
        /** A fresh snapshot of counters and frame timings (read-only use). */
        metrics() {
            return {
                shapes: store.size,
                drawn: metrics.drawn,
                frames: metrics.frames.slice(),
                imageFrames: metrics.imageFrames.slice(),
                intervals: metrics.intervals.slice(),
                lastImageDrawMs: metrics.lastImageDrawMs,
                sharpCount: metrics.sharpCount,
                lastSharpMs: metrics.lastSharpMs,
                sharp: metrics.sharp.slice(),
                longFrames: metrics.takeLongFrames(),
                lastDrawMs: metrics.lastDrawMs,
                lastFullDrawMs: metrics.lastFullDrawMs,
                lastFullDrawSlices: metrics.lastFullDrawSlices,
                lastFullDrawMaxSliceMs: metrics.lastFullDrawMaxSliceMs,
                firstDrawMs: metrics.firstDrawMs,
                zoom: viewport.scale,
                tool: active.name,
                selected: editor.selection.slice(),
            };
        },
        /** Replaces all regions. @param {Region[]} regions */
        loadRegions(regions) {
            metrics.loadStart = performance.now();
            metrics.firstDrawMs = null;
            active.cancel();
            queue.load(regions ?? []);
            editor.prune();
            engine.regionsChanged();
        },
        /** Presence (presence-layer.js): the peers in this set, as JSON from .NET. @param {string} json */
        setPeers: (json) => presence.setPeers(JSON.parse(json)),
        /** A copy of the peers as last received (read-only). */
        peers: () => presence.peers(),
        /** Where this user's pointer is reported (a .NET object with Cursor(x, y) and CursorLeft()). @param {any} sink */
        attachPresence: (sink) => presence.attach(sink),
        dispose() {
            if (disposed) return;
            disposed = true;
            presence.dispose();
            document.removeEventListener('keydown', keydown);
            host.removeEventListener('pointerleave', hideTip);
            tip.remove();
            loading.remove();
            input.dispose();
            active.cancel();
            queue.dispose();
            engine.dispose();
            metrics.dispose();
            tiles.dispose();
            toasts.dispose();
            host.classList.remove('ws-host');
            host.style.cursor = '';
            delete host.dataset.ready;
            delete host.dataset.zoom;
            if (win.annotatorWorkspace === handle) win.annotatorWorkspace = undefined;
        },
    };
    win.annotatorWorkspace = handle;
    return handle;
}
