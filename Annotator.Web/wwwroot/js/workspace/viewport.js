// @ts-check
/**
 * The view transform: screen (CSS px inside the host) = image px × scale + offset. Zoom limits scale with the
 * fit-to-view scale so gigapixel images and thumbnails both zoom sensibly.
 */

/** Largest zoom: this many CSS px per image px. */
const MAX_SCALE = 64;

export class Viewport {
    /** @param {number} imageWidth @param {number} imageHeight */
    constructor(imageWidth, imageHeight) {
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        /** CSS px of the visible area */
        this.width = 1;
        this.height = 1;
        this.scale = 1;
        this.ox = 0;
        this.oy = 0;
        /** bumped on every change so layers know when to repaint */
        this.version = 0;
    }

    /** @param {number} w @param {number} h CSS px */
    resize(w, h) {
        // keep the middle of the view where it is
        this.ox += (Math.max(1, w) - this.width) / 2;
        this.oy += (Math.max(1, h) - this.height) / 2;
        this.width = Math.max(1, w);
        this.height = Math.max(1, h);
        this.version++;
    }

    /** Scale at which the whole image fits with a small margin. */
    fitScale() {
        const m = 16;
        return Math.max(1e-4, Math.min((this.width - 2 * m) / this.imageWidth, (this.height - 2 * m) / this.imageHeight));
    }

    minScale() {
        return Math.min(this.fitScale() * 0.25, 1);
    }

    maxScale() {
        return Math.max(MAX_SCALE, this.fitScale());
    }

    fit() {
        this.scale = this.fitScale();
        this.center(this.imageWidth / 2, this.imageHeight / 2);
    }

    /** 1 image px = 1 CSS px, keeping the image point in the middle of the view where it is. */
    actualSize() {
        this.zoomAt(1 / this.scale, this.width / 2, this.height / 2);
    }

    /** Centres the view on an image point. @param {number} x @param {number} y */
    center(x, y) {
        this.ox = this.width / 2 - x * this.scale;
        this.oy = this.height / 2 - y * this.scale;
        this.version++;
    }

    /**
     * Multiplies the scale by factor keeping the image point under (sx, sy) in place.
     * @param {number} factor @param {number} sx @param {number} sy
     */
    zoomAt(factor, sx, sy) {
        const s = Math.min(this.maxScale(), Math.max(this.minScale(), this.scale * factor));
        const ix = (sx - this.ox) / this.scale;
        const iy = (sy - this.oy) / this.scale;
        this.scale = s;
        this.ox = sx - ix * s;
        this.oy = sy - iy * s;
        this.version++;
    }

    /** @param {number} dx @param {number} dy CSS px */
    panBy(dx, dy) {
        this.ox += dx;
        this.oy += dy;
        this.version++;
    }

    /** @param {number} x @param {number} y image px @returns {{x:number,y:number}} CSS px */
    toScreen(x, y) {
        return { x: x * this.scale + this.ox, y: y * this.scale + this.oy };
    }

    /** @param {number} sx @param {number} sy CSS px @returns {{x:number,y:number}} image px */
    toImage(sx, sy) {
        return { x: (sx - this.ox) / this.scale, y: (sy - this.oy) / this.scale };
    }

    /** The visible area in image px. @returns {{x:number,y:number,w:number,h:number}} */
    visibleRect() {
        return { x: -this.ox / this.scale, y: -this.oy / this.scale, w: this.width / this.scale, h: this.height / this.scale };
    }

    /** @returns {{scale:number, ox:number, oy:number}} */
    snapshot() {
        return { scale: this.scale, ox: this.ox, oy: this.oy };
    }
}
