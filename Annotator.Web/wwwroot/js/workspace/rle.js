// @ts-check
/**
 * Masks as COCO uncompressed RLE (see docs/workspace-protocol.md): runs counted in column-major (Fortran) order, like
 * pycocotools, alternating 0,1,0,1… and starting with a (possibly empty) run of zeros; size is [height, width] of the
 * whole image. The editor paints into row-major bitmaps (one byte per pixel, non-zero = set), so this module converts
 * between the two.
 */

/** @typedef {{ size: number[], counts: number[] }} Rle  size = [height, width] */
/** @typedef {{ x: number, y: number, w: number, h: number }} PixelRect  whole pixels, w and h ≥ 1 */

/**
 * Encodes a row-major bitmap as column-major RLE in one row-major pass (cache-friendly, no transposed copy). A run
 * boundary in column-major order sits wherever a pixel differs from the one above it, or, in the top row, from the
 * bottom pixel of the previous column. The pass collects those boundaries row by row; a counting sort by column then
 * puts them in column-major order, and the counts are the gaps between consecutive boundaries.
 * @param {Uint8Array} bitmapRowMajor width × height bytes, non-zero = set
 * @param {number} width
 * @param {number} height
 * @returns {Rle}
 */
export function encodeColumnMajor(bitmapRowMajor, width, height) {
    const n = width * height;
    const bm = bitmapRowMajor;
    if (bm.length < n) throw new RangeError(`bitmap has ${bm.length} bytes, needs ${n}`);
    let xs = new Uint32Array(1024);
    let ys = new Uint32Array(1024);
    let found = 0;
    /** @param {number} x @param {number} y */
    const add = (x, y) => {
        if (found === xs.length) {
            const nx = new Uint32Array(found * 2);
            nx.set(xs);
            xs = nx;
            const ny = new Uint32Array(found * 2);
            ny.set(ys);
            ys = ny;
        }
        xs[found] = x;
        ys[found++] = y;
    };
    if (n > 0) {
        const lastRow = (height - 1) * width;
        for (let x = 0; x < width; x++) {
            const bottomOfPrevious = x > 0 && bm[lastRow + x - 1] !== 0;
            if ((bm[x] !== 0) !== bottomOfPrevious) add(x, 0);
        }
        // Rows are compared four pixels at a time through 32-bit views of two aligned scratch rows.
        const words = (width + 3) >> 2;
        let above = new Uint8Array(words * 4);
        let row = new Uint8Array(words * 4);
        let aboveWords = new Uint32Array(above.buffer);
        let rowWords = new Uint32Array(row.buffer);
        above.set(bm.subarray(0, width));
        for (let y = 1; y < height; y++) {
            row.set(bm.subarray(y * width, y * width + width));
            for (let k = 0; k < words; k++) {
                if (rowWords[k] === aboveWords[k]) continue;
                for (let x = k * 4, end = Math.min(x + 4, width); x < end; x++) {
                    if ((row[x] !== 0) !== (above[x] !== 0)) add(x, y);
                }
            }
            [above, row] = [row, above];
            [aboveWords, rowWords] = [rowWords, aboveWords];
        }
    }
    // Counting sort of the boundaries by column; rows stay ascending within a column because they were found in order.
    const start = new Uint32Array(width + 1);
    for (let k = 0; k < found; k++) start[xs[k] + 1]++;
    for (let x = 0; x < width; x++) start[x + 1] += start[x];
    const sorted = new Float64Array(found);
    for (let k = 0; k < found; k++) sorted[start[xs[k]]++] = xs[k] * height + ys[k];
    const counts = new Array(found + 1);
    let prev = 0;
    for (let k = 0; k < found; k++) {
        counts[k] = sorted[k] - prev;
        prev = sorted[k];
    }
    counts[found] = n - prev;
    return { size: [height, width], counts };
}

/**
 * Decodes column-major RLE into a row-major bitmap (1 = set), row by row: one scratch row holds the current row's
 * pixels, starting from the value at the top of each column; every run boundary below the top row flips its column
 * from that row on, and each finished row is copied out whole. Runs beyond width × height are ignored.
 * @param {Rle} rle
 * @returns {Uint8Array} width × height bytes
 */
export function decodeToRowMajor(rle) {
    const [height, width] = rle.size;
    const n = width * height;
    const out = new Uint8Array(n);
    if (n === 0) return out;
    let counts = rle.counts;
    // Counts that stop short after a run of ones end with an implicit run of zeros, which needs its boundary.
    let total = 0;
    for (const c of counts) total += c;
    if (total < n && counts.length % 2 === 0) counts = [...counts, n - total];
    const row = new Uint8Array(width);
    // Value at the top of each column: the parity of the run holding it.
    for (let x = 0, k = 0, runEnd = counts.length > 0 ? counts[0] : n; x < width; x++) {
        while (k < counts.length - 1 && runEnd <= x * height) runEnd += counts[++k];
        row[x] = runEnd > x * height ? k & 1 : 0;
    }
    // Run boundaries below the top row, bucketed by row (counting sort), each remembered by its column.
    const rowStart = new Uint32Array(height + 1);
    for (let k = 1, p = counts[0]; k < counts.length && p < n; p += counts[k++]) {
        const y = p % height;
        if (y > 0) rowStart[y + 1]++;
    }
    for (let y = 0; y < height; y++) rowStart[y + 1] += rowStart[y];
    const flips = new Uint32Array(rowStart[height]);
    for (let k = 1, p = counts[0]; k < counts.length && p < n; p += counts[k++]) {
        const y = p % height;
        if (y > 0) flips[rowStart[y]++] = (p - y) / height;
    }
    // rowStart[y] now marks the end of row y's flips, which is where row y + 1's begin.
    out.set(row, 0);
    for (let y = 1, f = 0; y < height; y++) {
        for (; f < rowStart[y]; f++) row[flips[f]] ^= 1;
        out.set(row, y * width);
    }
    return out;
}

/**
 * The smallest pixel rectangle holding every set pixel, or null when none is set.
 * @param {Rle} rle
 * @returns {PixelRect | null}
 */
export function rleBounds(rle) {
    const [height, width] = rle.size;
    const n = width * height;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    let pos = 0;
    const counts = rle.counts;
    for (let k = 0; k < counts.length && pos < n; k++) {
        const len = Math.min(counts[k], n - pos);
        if ((k & 1) === 1 && len > 0) {
            const last = pos + len - 1;
            const x0 = Math.floor(pos / height), x1 = Math.floor(last / height);
            const y0 = pos - x0 * height, y1 = last - x1 * height;
            if (x0 < minX) minX = x0;
            if (x1 > maxX) maxX = x1;
            // A run that wraps into the next column touches both the bottom and the top row.
            const top = x0 === x1 ? y0 : 0;
            const bottom = x0 === x1 ? y1 : height - 1;
            if (top < minY) minY = top;
            if (bottom > maxY) maxY = bottom;
        }
        pos += len;
    }
    if (minX === Infinity) return null;
    return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/**
 * Number of set pixels.
 * @param {Rle} rle
 * @returns {number}
 */
export function rleArea(rle) {
    let area = 0;
    for (let k = 1; k < rle.counts.length; k += 2) area += rle.counts[k];
    return area;
}
