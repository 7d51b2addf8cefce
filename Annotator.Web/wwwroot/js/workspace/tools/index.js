// @ts-check
/**
 * Registers the drawing tools with the engine's tool registry. Importing this module once is enough; the engine then
 * creates tools by name with getTool(name).
 */
import { registerTool } from './tool.js';
import { createBoxTool, createEllipseTool } from './box.js';
import { createBrushTool, createEraserTool } from './brush.js';
import { createFreehandTool } from './freehand.js';
import { createKeypointsTool } from './keypoints.js';
import { createPointTool } from './point.js';
import { createPolygonTool, createPolylineTool } from './polygon.js';
import { createRotatedBoxTool } from './rotated-box.js';

registerTool('box', createBoxTool);
registerTool('rotatedBox', createRotatedBoxTool);
registerTool('polygon', createPolygonTool);
registerTool('freehand', createFreehandTool);
registerTool('polyline', createPolylineTool);
registerTool('point', createPointTool);
registerTool('ellipse', createEllipseTool);
registerTool('keypoints', createKeypointsTool);
registerTool('brush', createBrushTool);
registerTool('eraser', createEraserTool);
