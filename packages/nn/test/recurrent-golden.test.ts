/**
 * Recurrent cells and sequence layers against PyTorch (fixtures/golden/nn_recurrent.json):
 * torch.nn.RNNCell/LSTMCell/GRUCell steps and torch.nn.RNN/LSTM/GRU runs (multi-layer,
 * bidirectional, batch-first, initial states, packed sequences via `lengths`), outputs, final
 * states and the gradients with respect to inputs, initial states and every weight; and the
 * padding options (a prefix mask equals lengths; a padded sequence equals it alone, unbatched).
 */
import { np, random, scope, type Tensor } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { expectTensorsClose, type GoldenCase, loadGolden } from './support/golden.js';
import { checkGoldenCase, type LayerRunner } from './support/golden-layer.js';

// biome-ignore lint/suspicious/noExplicitAny: golden configs are untyped JSON
type AnyConfig = any;

function sequenceOptions(t: Record<string, Tensor>, c: GoldenCase) {
  const options = (c.params.options ?? {}) as {
    lengths?: string;
    initialState?: string | string[];
  };
  return {
    lengths: options.lengths ? t[options.lengths] : undefined,
    initial: options.initialState,
  };
}

const runners: Record<string, LayerRunner> = {
  rnnCell: {
    init: (c, key) => nn.rnnCell.init(key, c as AnyConfig),
    run: (m, t) => ({ y: nn.rnnCell.apply(m as nn.RNNCell, t.x as Tensor, t.h) }),
  },
  gruCell: {
    init: (c, key) => nn.gruCell.init(key, c as AnyConfig),
    run: (m, t) => ({ y: nn.gruCell.apply(m as nn.GRUCell, t.x as Tensor, t.h) }),
  },
  lstmCell: {
    init: (c, key) => nn.lstmCell.init(key, c as AnyConfig),
    run: (m, t) => {
      const [h, c] = nn.lstmCell.apply(m as nn.LSTMCell, t.x as Tensor, [
        t.h as Tensor,
        t.c as Tensor,
      ]);
      return { y: h, c_out: c };
    },
  },
  rnn: {
    init: (c, key) => nn.rnn.init(key, c as AnyConfig),
    run: (m, t, c) => {
      const { lengths, initial } = sequenceOptions(t, c);
      const [y, h] = nn.rnn.apply(m as nn.RNN, t.x as Tensor, {
        lengths,
        initialState: initial ? t[initial as string] : undefined,
      });
      return { y, h_n: h };
    },
  },
  gru: {
    init: (c, key) => nn.gru.init(key, c as AnyConfig),
    run: (m, t, c) => {
      const { lengths, initial } = sequenceOptions(t, c);
      const [y, h] = nn.gru.apply(m as nn.GRU, t.x as Tensor, {
        lengths,
        initialState: initial ? t[initial as string] : undefined,
      });
      return { y, h_n: h };
    },
  },
  lstm: {
    init: (c, key) => nn.lstm.init(key, c as AnyConfig),
    run: (m, t, c) => {
      const { lengths, initial } = sequenceOptions(t, c);
      const [y, [h, cn]] = nn.lstm.apply(m as nn.LSTM, t.x as Tensor, {
        lengths,
        initialState: initial ? [t.h0 as Tensor, t.c0 as Tensor] : undefined,
      });
      return { y, h_n: h, c_n: cn };
    },
  },
};

describe('recurrent layers vs PyTorch (nn_recurrent.json)', () => {
  for (const c of loadGolden('nn_recurrent')) {
    it(c.name, () => {
      checkGoldenCase(c, runners[c.params.layer as string] as LayerRunner, {
        rtol: 5e-4,
        atol: 5e-5,
      });
    });
  }
});

describe('padding options', () => {
  it('a prefix mask equals lengths, and an unbatched sequence equals a batch of one', () => {
    scope(() => {
      const m = nn.lstm.init(random.key(0), {
        inputSize: 2,
        hiddenSize: 3,
        bidirectional: true,
        batchFirst: true,
      });
      const x = random.normal(random.key(1), [2, 4, 2]);
      const lengths = np.array([4, 2], { dtype: 'int32' });
      const mask = np.array(
        [
          [true, true, true, true],
          [true, true, false, false],
        ],
        { dtype: 'bool' },
      );
      const [byLengths, [h1, c1]] = nn.lstm.apply(m, x, { lengths });
      const [byMask, [h2, c2]] = nn.lstm.apply(m, x, { mask });
      expectTensorsClose(byMask, byLengths, 'output', { rtol: 0, atol: 0 });
      expectTensorsClose(h2, h1, 'h', { rtol: 0, atol: 0 });
      expectTensorsClose(c2, c1, 'c', { rtol: 0, atol: 0 });
      // The second sequence alone, cut to its length, gives the same outputs and final state.
      const short = x.slice(1, [0, 2]);
      const [alone, [hAlone]] = nn.lstm.apply(m, short);
      expectTensorsClose(alone, byLengths.slice(1, [0, 2]), 'unbatched output', {
        rtol: 1e-6,
        atol: 1e-7,
      });
      expectTensorsClose(hAlone, h1.slice(null, 1), 'unbatched h', { rtol: 1e-6, atol: 1e-7 });
      expectTensorsClose(byLengths.slice(1, [2, 4]), np.zeros([2, 6]), 'padding outputs', {
        rtol: 0,
        atol: 0,
      });
      expect(() => nn.lstm.apply(m, x, { lengths, mask })).toThrow(/lengths or mask, not both/);
    });
  });
});
