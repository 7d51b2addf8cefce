// @ts-check
/**
 * The drawing-tool contract between the canvas engine and the tools, plus the tool registry. Tools register a
 * factory under a name; the engine calls the factory once per workspace with a {@link ToolContext} and routes pointer
 * and key events of the active tool to the returned {@link Tool}. Coordinates are image pixels unless stated.
 */

/**
 * @typedef {{points: string[], edges: number[][], layout: number[][]|null}} Skeleton
 * @typedef {{id: string, name: string, color: string, hotkey?: string|null, shapeKinds: string[], deprecated?: boolean,
 *   skeleton?: Skeleton|null}} Label
 * @typedef {{id: string, labelId: string, kind: string, geometry: any, attributes: Object<string, any>, zOrder: number,
 *   hidden: boolean, locked: boolean, revision: number}} Region
 */

/**
 * @typedef {{x:number,y:number,sx:number,sy:number,button:number,buttons:number,shiftKey:boolean,altKey:boolean,
 *   ctrlKey:boolean,metaKey:boolean,detail:number,pointerType:string}} ToolPointer
 *   x,y image px (unclamped); sx,sy CSS px in the canvas
 */

/**
 * @typedef {Object} ToolContext
 * @property {{width:number,height:number}} image
 * @property {(x:number,y:number)=>{x:number,y:number}} toScreen   image px → CSS px
 * @property {(sx:number,sy:number)=>{x:number,y:number}} toImage  CSS px → image px
 * @property {()=>number} scale            CSS px per image px
 * @property {()=>Label|null} label        the current drawing label
 * @property {(x:number,y:number)=>{x:number,y:number}} clampPoint
 * @property {(kind:string, geometry:object, attributes?:object)=>string|null} create   commit a new region (returns
 *   its id; null + notice if the label doesn't allow the kind)
 * @property {(regionId:string, set:object)=>void} update  commit a change (e.g. a mask stroke)
 * @property {()=>Region[]} selected
 * @property {(ids:string[])=>void} select
 * @property {()=>void} requestRender     redraw the overlay (tool preview) next frame
 * @property {(message:string)=>void} notify
 * @property {()=>number} brushSize        diameter in CSS px
 * @property {(ids:Set<string>|null)=>void} setExclude  leave regions out of the annotation layer while the tool draws
 *   them itself (a mask being painted); null puts them back
 */

/**
 * @typedef {Object} Tool
 * @property {string} name
 * @property {string} cursor
 * @property {(p:ToolPointer)=>boolean} pointerDown   return true if handled
 * @property {(p:ToolPointer)=>void} pointerMove
 * @property {(p:ToolPointer)=>void} pointerUp
 * @property {(e:KeyboardEvent)=>boolean} [keyDown]    Enter/Escape/Backspace while drawing; return true if handled
 * @property {(p:ToolPointer)=>void} [doubleClick]
 * @property {(ctx:CanvasRenderingContext2D)=>void} drawPreview  ctx in CSS px (dpr already applied); use toScreen
 * @property {()=>void} cancel
 */

/** @typedef {(ctx: ToolContext) => Tool} ToolFactory */

/** @type {Map<string, ToolFactory>} */
const registry = new Map();

/**
 * Registers (or replaces) the factory of a tool.
 * Names: box, rotatedBox, polygon, freehand, polyline, point, ellipse, keypoints, brush, eraser.
 * @param {string} name
 * @param {ToolFactory} factory
 */
export function registerTool(name, factory) {
    registry.set(name, factory);
}

/**
 * The factory registered under a name, or undefined.
 * @param {string} name
 * @returns {ToolFactory|undefined}
 */
export function getTool(name) {
    return registry.get(name);
}
