import { describe } from 'vitest';
import { admissionStoreContract } from '../test-support/admission-store-contract';
import { InMemoryAdmissionStore } from './in-memory-admission-store';

describe('InMemoryAdmissionStore', () => {
  admissionStoreContract(
    () => new InMemoryAdmissionStore(),
    (id) => id,
  );
});
