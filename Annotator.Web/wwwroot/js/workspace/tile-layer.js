// @ts-check
/**
 * The image, drawn from tiles. A level is a grid of tileSize × tileSize tiles (a level the tile size covers is one
 * tile); `url` may contain {col} and {row}. The level whose resolution best matches the zoom is used; tiles are
 * fetched and decoded off the main thread (createImageBitmap), cached (least recently used evicted), and only
 * visible ones are drawn. A tile shown much smaller than its resolution is drawn from a halved copy (made once, off
 * the main thread), because resampling a large bitmap on every frame is what makes a zoomed-out view slow.
 */

/** @typedef {{level:number, width:number, height:number, url:string}} TileLevel */
/** @typedef {{tileSize:number, levels:TileLevel[]}} TileSpec */
/**
 * @typedef {{key: string, bitmap: ImageBitmap|null, failed: boolean, used: number, mips: (ImageBitmap|null|undefined)[]}} Tile
 *   mips[k]: the bitmap scaled by 1 / 2^(k+1); null while being made
 */

/** Decoded tiles kept. */
const CACHE_TILES = 256;

export class TileLayer {
    /**
     * @param {number} width @param {number} height image size
     * @param {TileSpec|undefined} spec
     * @param {() => void} onLoad called when a tile arrives
     * @param {(p: {loaded: number, total: number}) => void} [onProgress] bytes received of the tiles on their way
     *   (total 0 while a size is unknown), as they arrive
     */
    constructor(width, height, spec, onLoad, onProgress) {
        this.width = width;
        this.height = height;
        this.tileSize = spec?.tileSize || Math.max(width, height);
        /** @type {TileLevel[]} largest first */
        this.levels = [...(spec?.levels ?? [])].sort((a, b) => b.width - a.width);
        this.onLoad = onLoad;
        this.onProgress = onProgress;
        /** @type {Map<string, {loaded: number, total: number}>} bytes of the tiles being downloaded */
        this.inFlight = new Map();
        /** tiles that could not be loaded */
        this.failed = 0;
        /** @type {Map<string, Tile>} */
        this.tiles = new Map();
        this.abort = new AbortController();
        this.clock = 0;
    }

    /** The smallest level still at least as detailed as the screen at this scale. @param {number} scale */
    #levelFor(scale) {
        const want = this.width * scale;
        let best = this.levels[0];
        for (const l of this.levels) if (l.width >= want) best = l;
        return best;
    }

    /**
     * Draws visible tiles; returns true when all of them are loaded (or failed).
     * @param {CanvasRenderingContext2D} ctx transformed to image px
     * @param {{x:number,y:number,w:number,h:number}} view visible image rect
     * @param {number} scale CSS px per image px
     * @param {number} dpr device px per CSS px
     * @param {boolean} fast lower-quality resampling (while the view animates)
     */
    draw(ctx, view, scale, dpr, fast) {
        const level = this.#levelFor(scale);
        if (!level) return true;
        const f = this.width / level.width; // image px per level px
        const ts = this.tileSize;
        const cols = Math.ceil(level.width / ts), rows = Math.ceil(level.height / ts);
        const c0 = Math.max(0, Math.floor(view.x / f / ts)), c1 = Math.min(cols - 1, Math.floor((view.x + view.w) / f / ts));
        const r0 = Math.max(0, Math.floor(view.y / f / ts)), r1 = Math.min(rows - 1, Math.floor((view.y + view.h) / f / ts));
        ctx.imageSmoothingEnabled = scale * f < 2;
        ctx.imageSmoothingQuality = fast ? 'low' : 'high';
        let complete = true;
        for (let r = r0; r <= r1; r++) {
            for (let c = c0; c <= c1; c++) {
                const t = this.#tile(level, c, r);
                if (!t.bitmap) {
                    complete &&= t.failed;
                    continue;
                }
                const x = c * ts * f, y = r * ts * f;
                const w = Math.min(ts, level.width - c * ts) * f, h = Math.min(ts, level.height - r * ts) * f;
                ctx.drawImage(this.#mip(t, t.bitmap, w * scale * dpr), x, y, w, h);
            }
        }
        return complete;
    }

    /**
     * The smallest halved copy of a tile still at least `pixels` wide (started in the background when missing).
     * @param {Tile} t @param {ImageBitmap} full @param {number} pixels on-screen width in device px
     * @returns {ImageBitmap}
     */
    #mip(t, full, pixels) {
        let best = full;
        for (let k = 0; full.width >> (k + 1) >= Math.max(pixels, 64); k++) {
            const m = t.mips[k];
            if (m === null) break;
            if (m === undefined) {
                t.mips[k] = null;
                createImageBitmap(full, { resizeWidth: Math.max(1, full.width >> (k + 1)), resizeHeight: Math.max(1, full.height >> (k + 1)), resizeQuality: 'medium' })
                    .then((b) => {
                        if (this.abort.signal.aborted || !this.tiles.has(t.key)) b.close();
                        else {
                            t.mips[k] = b;
                            this.onLoad();
                        }
                    }, () => {});
                break;
            }
            best = m;
        }
        return best;
    }

    /** @param {TileLevel} level @param {number} col @param {number} row @returns {Tile} */
    #tile(level, col, row) {
        const key = `${level.level}/${col}/${row}`;
        let t = this.tiles.get(key);
        if (!t) {
            t = { key, bitmap: null, failed: false, used: 0, mips: [] };
            this.tiles.set(key, t);
            this.#load(level.url.replaceAll('{col}', String(col)).replaceAll('{row}', String(row)), t);
            this.#evict();
        }
        t.used = ++this.clock;
        return t;
    }

    /** @param {string} url @param {Tile} t */
    async #load(url, t) {
        const bytes = { loaded: 0, total: 0 };
        this.inFlight.set(t.key, bytes);
        this.#progress();
        try {
            const res = await fetch(url, { signal: this.abort.signal, credentials: 'same-origin' });
            if (!res.ok) throw new Error(`${res.status}`);
            bytes.total = Number(res.headers.get('Content-Length')) || 0;
            t.bitmap = await createImageBitmap(await this.#body(res, bytes), { imageOrientation: 'from-image' });
        } catch {
            t.failed = true;
            this.failed++;
        }
        this.inFlight.delete(t.key);
        if (!this.abort.signal.aborted) this.onLoad();
    }

    /**
     * The response body, counted as it arrives when someone listens for progress.
     * @param {Response} res @param {{loaded: number, total: number}} bytes
     * @returns {Promise<Blob>}
     */
    async #body(res, bytes) {
        if (!this.onProgress || !res.body) return res.blob();
        const counted = res.body.pipeThrough(new TransformStream({
            transform: (chunk, out) => {
                bytes.loaded += chunk.byteLength;
                this.#progress();
                out.enqueue(chunk);
            },
        }));
        return new Response(counted, { headers: { 'Content-Type': res.headers.get('Content-Type') ?? '' } }).blob();
    }

    #progress() {
        if (!this.onProgress || this.abort.signal.aborted) return;
        let loaded = 0, total = 0;
        for (const b of this.inFlight.values()) {
            if (!b.total) return this.onProgress({ loaded: 0, total: 0 });
            loaded += b.loaded;
            total += b.total;
        }
        this.onProgress({ loaded, total });
    }

    #evict() {
        if (this.tiles.size <= CACHE_TILES) return;
        const oldest = [...this.tiles.entries()].sort((a, b) => a[1].used - b[1].used).slice(0, this.tiles.size - CACHE_TILES);
        for (const [key, t] of oldest) {
            close(t);
            this.tiles.delete(key);
        }
    }

    dispose() {
        this.abort.abort();
        for (const t of this.tiles.values()) close(t);
        this.tiles.clear();
    }
}

/** Frees a tile's bitmaps. @param {Tile} t */
function close(t) {
    t.bitmap?.close();
    for (const m of t.mips) m?.close();
}
