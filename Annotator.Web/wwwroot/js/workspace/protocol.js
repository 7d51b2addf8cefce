// @ts-check
/**
 * The workspace protocol's messages as the canvas gets them (docs/workspace-protocol.md). Types only: they mirror the
 * records the server serializes with its source-generated JSON context —
 * Annotator.Web/Annotations/CommittedOperation.cs (`CommittedOperation`, `OperationRefusal`) and CatchUp.cs.
 *
 * @typedef {import('./tools/tool.js').Region} Region
 *
 * A committed operation: the answer to its author, the feed's message to everyone else, an entry of a catch-up.
 * `region`/`revision` come with region operations (`region` null: deleted), `questionId`/`value` with answers.
 * @typedef {{
 *   ok: true, opId: string, imageId: number, sequence: number, prev: number, authorId: string, authorName: string,
 *   status: string, type: 'create'|'update'|'delete'|'answer',
 *   questionId?: string, value?: any, regionId?: string, region?: Region|null, revision?: number,
 * }} CommittedOperation
 *
 * An operation that was not applied, and why.
 * @typedef {{
 *   ok: false, opId: string, error: string, storageFull?: boolean, signedOut?: boolean,
 *   conflict?: 'changed'|'deleted', regionId?: string, region?: Region|null, revision?: number, by?: string,
 * }} OperationRefusal
 *
 * What a viewer that fell behind gets: the operations after its sequence number, or `reload`.
 * @typedef {{reload: boolean, lastSequence: number, messages: CommittedOperation[]}} CatchUp
 *
 * A result as read before `ok` is checked: either of the two.
 * @typedef {Omit<Partial<CommittedOperation>, 'ok'> & Omit<Partial<OperationRefusal>, 'ok'> & {ok: boolean}} OpResult
 */

export {};
