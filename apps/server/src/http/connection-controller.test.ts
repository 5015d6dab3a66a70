import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { giveBackController, takeController } from './connection-controller';

const socket = (destroyed = false) => ({ destroyed }) as Socket;

describe('connection controllers', () => {
  it('hands a request the controller its connection’s previous request gave back', () => {
    const connection = socket();
    const first = takeController(connection);
    giveBackController(connection, first);
    expect(takeController(connection)).toBe(first);
  });

  it('gives a pipelined request its own controller while the first is still in use', () => {
    const connection = socket();
    const first = takeController(connection);
    giveBackController(connection, takeController(connection));
    const second = takeController(connection);
    expect(second).not.toBe(first);
  });

  it('never hands on an aborted controller, nor one of a closed connection', () => {
    const connection = socket();
    const aborted = takeController(connection);
    aborted.abort('caller-gone');
    giveBackController(connection, aborted);
    expect(takeController(connection)).not.toBe(aborted);
    const closed = socket(true);
    const controller = takeController(closed);
    giveBackController(closed, controller);
    expect(takeController(closed)).not.toBe(controller);
    expect(takeController(null)).toBeInstanceOf(AbortController);
  });
});
