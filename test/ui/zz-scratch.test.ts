import { it } from 'vitest';
import { testPki } from '../support/identities.js';
import { ConnectionPair } from '../support/pair.js';
import { MitmTrio } from '../support/mitm-pair.js';
import { dashboardReducer, initialState, type EngineEvent } from '../../source/ui/dashboard-state.js';

it('scratch', async () => {
  const pki = await testPki();
  const pair = new ConnectionPair(pki, { files: new Map([['notes.txt', new Uint8Array(100)]]) }).run();
  console.log(pair.clientEvents.map((e) => e.type === 'step' ? `step ${e.step} ${e.status}` : e.type === 'wire' ? `wire ${e.action} ${e.message}` : e.type).join('\n'));
  for (const mode of ['forged-key', 'bit-flip', 'replay-client'] as const) {
    const trio = new MitmTrio(pki, mode, { files: new Map([['notes.txt', new Uint8Array(100)]]) }).run();
    console.log(mode, trio.attackEvents.map((e) => `${e.kind} ${e.direction} ${e.message} ${e.encrypted} ${e.record?.length} ${e.original?.length} ${e.plaintext?.length} | ${e.detail}`).join('\n'));
    console.log(mode, trio.clientEvents.filter(e=>e.type==='step' && e.status==='failed'), trio.serverEvents.filter(e=>e.type==='step' && e.status==='failed'));
  }
});
