import { redisForTests, TEST_REDIS_URL } from '@infermux/testkit';
import { afterAll, beforeAll, describe } from 'vitest';
import type { RedisState } from '../state/redis-state';
import { admissionStoreContract } from '../test-support/admission-store-contract';
import { redisStateForTest } from '../test-support/redis-state-fixture';
import { RedisAdmissionStore } from './redis-admission-store';

const redisUp = await redisForTests('the Redis admission store tests');

describe.skipIf(!redisUp)('RedisAdmissionStore (the same contract as in memory)', () => {
  let fixture: Awaited<ReturnType<typeof redisStateForTest>>;
  let state: RedisState;
  let meters = 0;
  beforeAll(async () => {
    fixture = await redisStateForTest(TEST_REDIS_URL);
    state = fixture.state;
  });
  afterAll(() => fixture.dispose());

  admissionStoreContract(
    () => new RedisAdmissionStore(state),
    (id) => `${id}-${meters++}`,
  );
});
