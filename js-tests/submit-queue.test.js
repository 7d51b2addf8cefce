// The workspace's submit queue: optimistic display, one operation in flight at a time in submission order, rollback
// of exactly the refused operation, retries after transport failures, resending after a lost connection, the feed
// applied in sequence order with gaps filled by a catch-up, and operations kept across a reload.
//
// The .NET side is scripted here: each invokeMethodAsync call is recorded and answered by the test when it chooses,
// with results shaped as docs/workspace-protocol.md describes. The real interop path is covered by the Playwright
// tests in Annotator.Tests/Browser.
import './browser-globals.js';
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SubmitQueue } from '../Annotator.Web/wwwroot/js/workspace/submit-queue.js';
import { RegionStore } from '../Annotator.Web/wwwroot/js/workspace/region-store.js';
import { FakeClock } from './fake-clock.js';

beforeEach(() => sessionStorage.clear());

/** A .NET object whose calls wait for the test to answer them. */
class ScriptedDotNet {
    /** @type {{name: string, args: any[], answer: (v: any) => void, fail: (e: Error) => void}[]} */
    calls = [];

    /** @param {string} name @param {...any} args */
    invokeMethodAsync(name, ...args) {
        return new Promise((resolve, reject) => {
            this.calls.push({ name, args, answer: (v) => resolve(typeof v === 'string' ? v : JSON.stringify(v)), fail: reject });
        });
    }

    /**
     * The call number n (0-based), once the queue has made it. Everything here runs on promise callbacks and
     * immediates (timers are faked where they matter), so a call not made after the queue has gone quiet never will be.
     * @param {number} n
     */
    async call(n) {
        for (let turn = 0; this.calls.length <= n; turn++) {
            if (turn === 100) assert.fail(`call ${n} was never made; calls so far: ${this.calls.map((c) => c.name).join(', ') || 'none'}`);
            await settle();
        }
        return this.calls[n];
    }

    /** The operation sent by Submit call n. @param {number} n */
    async submitted(n) {
        const c = await this.call(n);
        assert.equal(c.name, 'Submit');
        return JSON.parse(c.args[0]);
    }
}

/** Lets pending promise callbacks run (the queue's pump is async). */
const settle = () => new Promise((r) => setImmediate(r));

function box(id, x = 10, revision = 1) {
    return { id, labelId: 'cat', kind: 'box', geometry: { x, y: 10, w: 20, h: 20 }, attributes: {}, zOrder: 0, hidden: false, locked: false, revision };
}

function setup(options = {}) {
    const store = new RegionStore(1000, 1000);
    const dotNet = new ScriptedDotNet();
    const log = { errors: /** @type {string[]} */ ([]), conflicts: /** @type {any[]} */ ([]), changed: 0 };
    const queue = new SubmitQueue(store, dotNet, {
        changed: () => { log.changed++; },
        error: (message) => { log.errors.push(message); },
        conflict: (result, intended) => { log.conflicts.push({ result, intended }); },
    }, options);
    return { store, dotNet, queue, log };
}

let opCounter = 0;
const create = (region) => ({ opId: `op${++opCounter}`, type: /** @type {const} */ ('create'), region });
const update = (regionId, set, baseRevision) => ({ opId: `op${++opCounter}`, type: /** @type {const} */ ('update'), regionId, set, baseRevision });

/** The server's answer to a committed operation. */
function committed(op, sequence, prev, region) {
    return {
        ok: true, opId: op.opId, sequence, prev, type: op.type, regionId: region?.id ?? op.regionId, region,
        revision: region?.revision,
    };
}

test('a created region shows at once and the operations go out one at a time, in order', async () => {
    const { store, dotNet, queue } = setup();
    const a = create(box('a'));
    const b = create(box('b', 100));
    queue.submit([a]);
    queue.submit([b]);
    assert.ok(store.get('a') && store.get('b'), 'both shown before any answer');
    assert.equal(queue.pendingCount, 2);

    const first = await dotNet.submitted(0);
    assert.equal(first.opId, a.opId);
    assert.equal('revision' in first.region, false, 'a create carries no revision: the server assigns it');
    await settle();
    assert.equal(dotNet.calls.length, 1, 'the second waits until the first is answered');

    dotNet.calls[0].answer(committed(a, 1, 0, box('a', 10, 1)));
    assert.equal((await dotNet.submitted(1)).opId, b.opId);
    dotNet.calls[1].answer(committed(b, 2, 1, box('b', 100, 1)));
    await settle();
    assert.equal(queue.pendingCount, 0);
    assert.equal(queue.lastSequence, 2);
    assert.equal(store.get('a')?.revision, 1);
});

test('a second edit of a region whose first edit is on its way is based on the revision the first produces', async () => {
    const { store, dotNet, queue } = setup();
    queue.load([box('a', 10, 4)], 7);
    const move = update('a', { geometry: { x: 50, y: 10, w: 20, h: 20 } }, 4);
    const hide = update('a', { hidden: true }, 4);
    queue.submit([move]);
    queue.submit([hide]);
    assert.deepEqual([store.get('a')?.geometry.x, store.get('a')?.hidden], [50, true], 'both edits shown at once');

    assert.equal((await dotNet.submitted(0)).baseRevision, 4);
    dotNet.calls[0].answer(committed(move, 8, 7, { ...box('a', 50, 5) }));
    const second = await dotNet.submitted(1);
    assert.equal(second.opId, hide.opId);
    assert.equal(second.baseRevision, 5, 'not the 4 shown when the gesture was made: that would read as a stale edit');
});

test('a refused operation is rolled back alone; later edits of other regions survive', async () => {
    const { store, dotNet, queue, log } = setup();
    queue.load([box('a', 10, 1)], 3);
    const bad = update('a', { geometry: { x: -500, y: 10, w: 20, h: 20 } }, 1);
    const good = create(box('b', 300));
    queue.submit([bad]);
    queue.submit([good]);
    assert.equal(store.get('a')?.geometry.x, -500);

    (await dotNet.call(0)).answer({ ok: false, opId: bad.opId, error: 'The box lies outside the image.' });
    await dotNet.call(1);
    assert.equal(store.get('a')?.geometry.x, 10, 'back to the committed state');
    assert.ok(store.get('b'), 'the later create is still shown');
    assert.deepEqual(log.errors, ['The box lies outside the image.']);
    assert.equal(queue.pendingCount, 1);
});

test('a conflict shows the other person\'s state and reports what was intended', async () => {
    const { store, dotNet, queue, log } = setup();
    queue.load([box('a', 10, 1)], 3);
    const move = update('a', { geometry: { x: 70, y: 10, w: 20, h: 20 } }, 1);
    queue.submit([move]);
    const theirs = box('a', 400, 2);
    (await dotNet.call(0)).answer({
        ok: false, opId: move.opId, conflict: 'changed', regionId: 'a', region: theirs, revision: 2, by: 'Grace',
        error: 'Someone else changed this region\'s shape while you were editing it.',
    });
    await settle();
    assert.equal(store.get('a')?.geometry.x, 400);
    assert.equal(log.conflicts.length, 1);
    assert.equal(log.conflicts[0].intended.geometry.x, 70);
    assert.equal(queue.pendingCount, 0);
});

test('a transport failure is retried with the same operation id; after five failures the edit is dropped with a message', async (t) => {
    const clock = new FakeClock().install();
    t.after(() => clock.restore());
    const { store, dotNet, queue, log } = setup();
    const a = create(box('a'));
    queue.submit([a]);

    (await dotNet.call(0)).fail(new Error('Connection reset'));
    await settle();
    clock.tick(999);
    await settle();
    assert.equal(dotNet.calls.length, 1, 'no resend before the retry delay');
    clock.tick(1);
    const resent = await dotNet.submitted(1);
    assert.equal(resent.opId, a.opId, 'the same opId, so the server applies it once');
    dotNet.calls[1].answer(committed(a, 1, 0, box('a', 10, 1)));
    await settle();
    assert.equal(queue.pendingCount, 0);
    assert.deepEqual(log.errors, []);

    const b = create(box('b'));
    queue.submit([b]);
    for (let n = 2; n < 7; n++) {
        (await dotNet.call(n)).fail(new Error('Connection reset'));
        await settle();
        clock.tick(1000);
    }
    await settle();
    assert.equal(dotNet.calls.length, 7, 'five tries, then no more');
    assert.equal(store.get('b'), undefined, 'the unsaved region is no longer shown');
    assert.equal(queue.pendingCount, 0);
    assert.deepEqual(log.errors, ['Could not save: Connection reset']);
});

test('an answer lost with the connection: after it comes back, a catch-up and then the same operation again', async () => {
    const { store, dotNet, queue } = setup();
    queue.load([], 5);
    const a = create(box('a'));
    queue.submit([a]);
    const lost = await dotNet.call(0);

    queue.setConnected(false);
    lost.answer(committed(a, 6, 5, box('a', 10, 1))); // arrives after the drop: the queue no longer listens for it
    const b = create(box('b', 200));
    queue.submit([b]);
    await settle();
    assert.equal(dotNet.calls.length, 1, 'nothing is sent while the connection is down');
    assert.equal(queue.pendingCount, 2);
    assert.ok(store.get('a') && store.get('b'), 'still shown while waiting');

    queue.setConnected(true);
    const catchUp = await dotNet.call(1);
    assert.deepEqual([catchUp.name, catchUp.args], ['CatchUp', [5]]);
    catchUp.answer({ reload: false, lastSequence: 5, messages: [] });
    const again = await dotNet.submitted(2);
    assert.equal(again.opId, a.opId);
    dotNet.calls[2].answer(committed(a, 6, 5, box('a', 10, 1))); // the server's earlier result, not applied twice
    assert.equal((await dotNet.submitted(3)).opId, b.opId);
    dotNet.calls[3].answer(committed(b, 7, 6, box('b', 200, 1)));
    await settle();
    assert.equal(queue.pendingCount, 0);
    assert.equal(queue.lastSequence, 7);
});

test('the feed is applied in sequence order: a message whose predecessor is missing waits for it', async () => {
    const { store, queue } = setup();
    queue.load([box('a', 10, 1)], 10);
    queue.receive({ ok: true, opId: 'x2', sequence: 12, prev: 11, type: 'update', regionId: 'a', region: box('a', 30, 3), revision: 3 });
    assert.equal(store.get('a')?.geometry.x, 10, 'held back');
    assert.equal(queue.lastSequence, 10);
    queue.receive({ ok: true, opId: 'x1', sequence: 11, prev: 10, type: 'update', regionId: 'a', region: box('a', 20, 2), revision: 2 });
    assert.equal(store.get('a')?.geometry.x, 30, 'both applied, the newer last');
    assert.equal(queue.lastSequence, 12);
    queue.receive({ ok: true, opId: 'x1', sequence: 11, prev: 10, type: 'update', regionId: 'a', region: box('a', 20, 2), revision: 2 });
    assert.equal(store.get('a')?.geometry.x, 30, 'an old message again changes nothing');
    queue.dispose();
});

test('a gap that is not filled is asked for with a catch-up after a short wait', async (t) => {
    const clock = new FakeClock().install();
    t.after(() => clock.restore());
    const { store, dotNet, queue } = setup();
    queue.load([], 10);
    const late = box('c', 40, 1);
    queue.receive({ ok: true, opId: 'y', sequence: 14, prev: 13, type: 'create', regionId: 'c', region: late, revision: 1 });
    await settle();
    clock.tick(249);
    await settle();
    assert.equal(dotNet.calls.length, 0, 'the missing message is often just behind: no catch-up at once');
    clock.tick(1);
    const catchUp = await dotNet.call(0);
    assert.deepEqual([catchUp.name, catchUp.args], ['CatchUp', [10]]);
    catchUp.answer({
        reload: false, lastSequence: 13,
        messages: [{ ok: true, opId: 'z', sequence: 13, prev: 10, type: 'create', regionId: 'd', region: box('d', 90, 1), revision: 1 }],
    });
    await settle();
    assert.ok(store.get('d') && store.get('c'), 'the gap and the held message are both applied');
    assert.equal(queue.lastSequence, 14);
});

test('operations not confirmed before a reload are restored from session storage and sent again', async () => {
    const first = setup({ storageKey: 'ws:7' });
    first.queue.load([box('a', 10, 2)], 4);
    const move = update('a', { geometry: { x: 60, y: 10, w: 20, h: 20 } }, 2);
    first.queue.submit([move]);
    await first.dotNet.call(0); // sent, never answered: the page goes away
    first.queue.dispose();

    const second = setup({ storageKey: 'ws:7' });
    second.queue.load([box('a', 10, 2)], 4);
    assert.equal(second.store.get('a')?.geometry.x, 10);
    assert.equal(second.queue.restoreStored(), 1);
    assert.equal(second.store.get('a')?.geometry.x, 60, 'shown again at once');
    const resent = await second.dotNet.submitted(0);
    assert.deepEqual([resent.opId, resent.baseRevision], [move.opId, 2]);
    second.dotNet.calls[0].answer(committed(move, 5, 4, box('a', 60, 3)));
    await settle();
    assert.equal(sessionStorage.getItem('ws:7'), null, 'nothing left to restore once confirmed');
});

test('a signed-out answer holds the operation and everything after it', async () => {
    const { dotNet, queue, log } = setup();
    const a = create(box('a'));
    const b = create(box('b'));
    queue.submit([a, b]);
    (await dotNet.call(0)).answer({ ok: false, signedOut: true, error: 'Your session has ended. Sign in again.' });
    await settle();
    assert.equal(dotNet.calls.length, 1);
    assert.equal(queue.pendingCount, 2);
    assert.ok(queue.signedOut);
    assert.deepEqual(log.errors, ['Your session has ended. Sign in again.']);
});

test('a storage-full answer keeps the operation queued and sends it again with a growing back-off until it lands', async (t) => {
    const clock = new FakeClock().install();
    t.after(() => clock.restore());
    const { store, dotNet, queue, log } = setup({ storageKey: 'full' });
    const a = create(box('a'));
    const b = create(box('b'));
    queue.submit([a, b]);
    const full = { ok: false, storageFull: true, opId: a.opId, error: "The server's storage is full; your change was not saved." };

    (await dotNet.call(0)).answer(full);
    await settle();
    assert.ok(queue.storageFull);
    assert.equal(queue.pendingCount, 2, 'kept, as while offline');
    assert.ok(store.get('a') && store.get('b'), 'still shown');
    assert.equal(JSON.parse(sessionStorage.getItem('full') ?? '[]').length, 2, 'kept across a reload too');
    assert.deepEqual(log.errors, [], 'a banner says it, not an error per edit');
    clock.tick(1999);
    await settle();
    assert.equal(dotNet.calls.length, 1, 'not before the first back-off');
    clock.tick(1);
    assert.equal((await dotNet.submitted(1)).opId, a.opId);
    dotNet.calls[1].answer(full);
    await settle();
    clock.tick(3999);
    await settle();
    assert.equal(dotNet.calls.length, 2, 'the back-off doubled');
    clock.tick(1);
    assert.equal((await dotNet.submitted(2)).opId, a.opId);

    dotNet.calls[2].answer(committed(a, 1, 0, box('a', 10, 1)));
    assert.equal((await dotNet.submitted(3)).opId, b.opId, 'the rest follows in order');
    assert.ok(!queue.storageFull);
    dotNet.calls[3].answer(committed(b, 2, 1, box('b', 10, 1)));
    await settle();
    assert.equal(queue.pendingCount, 0);
    assert.equal(sessionStorage.getItem('full'), null);
});

test('undo and redo are sent in order with the edits, and their results are applied', async () => {
    const { store, dotNet, queue } = setup();
    queue.load([], 0);
    const a = create(box('a'));
    queue.submit([a]);
    queue.call('Undo');
    await settle();
    assert.deepEqual(dotNet.calls.map((c) => c.name), ['Submit'], 'the undo waits for the edit before it');
    dotNet.calls[0].answer(committed(a, 1, 0, box('a', 10, 1)));
    const undo = await dotNet.call(1);
    assert.deepEqual([undo.name, undo.args], ['Undo', []]);
    undo.answer([{ ok: true, opId: 'u1', sequence: 2, prev: 1, type: 'delete', regionId: 'a', region: null, revision: 2 }]);
    await settle();
    assert.equal(store.get('a'), undefined);
    assert.equal(queue.lastSequence, 2);
});
