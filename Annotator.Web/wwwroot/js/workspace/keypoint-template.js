// @ts-check
/**
 * Initial keypoints for a skeleton label: the skeleton's layout (unit-square coordinates per point) scaled into a box,
 * or, for a skeleton without a layout, its points spaced evenly round the ellipse inscribed in the box, clockwise from
 * the top.
 */

/** @typedef {{ points: string[], edges: number[][], layout: number[][] | null }} Skeleton */
/** @typedef {{ x: number, y: number, w: number, h: number }} Box */

/**
 * Places every skeleton point in the box, all visible.
 * @param {Skeleton} skeleton
 * @param {Box} box in image pixels
 * @returns {number[]} x, y, v triplets in skeleton order, v = 2
 */
export function templatePoints(skeleton, box) {
    const count = skeleton.points.length;
    const layout = skeleton.layout;
    const useLayout = Array.isArray(layout) && layout.length === count;
    /** @type {number[]} */
    const out = [];
    for (let i = 0; i < count; i++) {
        let u, v;
        if (useLayout) {
            u = clampUnit(layout[i][0]);
            v = clampUnit(layout[i][1]);
        } else if (count === 1) {
            u = v = 0.5;
        } else {
            const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
            u = 0.5 + 0.5 * Math.cos(angle);
            v = 0.5 + 0.5 * Math.sin(angle);
        }
        out.push(box.x + u * box.w, box.y + v * box.h, 2);
    }
    return out;
}

/** @param {number} value */
function clampUnit(value) {
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}
