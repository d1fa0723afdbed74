import { DexieStore } from '../src/client/store';
import { uuid4 } from '../src/shared/ids';
import { runStoreContract } from './store.contract';

runStoreContract('DexieStore', async (userId) => new DexieStore(userId ?? `test-${uuid4()}`));
