/**
 * Progress output: a bar redrawn in place on a (fake) terminal, plain lines elsewhere, Effect log
 * entries with `logReporter`, and the formatting helpers.
 */
import { random, tree } from '@tensile/core';
import { batches } from '@tensile/data';
import { Effect, Layer, Logger } from 'effect';
import { describe, expect, it } from 'vitest';
import {
  autoReporter,
  cpuBackendLayer,
  epochBatches,
  fit,
  fitEffect,
  formatDuration,
  formatRate,
  formatValue,
  logReporter,
  makeTrainStep,
  progressBarReporter,
  reporterLayer,
  type TextSink,
} from '../src/index.js';
import { initParams, logisticLoss, optimizer, syntheticDataset } from './support/logistic.js';

const train = syntheticDataset(256, 1);
const test = syntheticDataset(64, 2);
const key = random.key(3);

function sink(isTTY: boolean): TextSink & { text: string } {
  const out = {
    text: '',
    isTTY,
    columns: 160,
    write(s: string) {
      out.text += s;
    },
  };
  return out;
}

async function train2(reporter: ReturnType<typeof autoReporter>) {
  const opt = optimizer();
  const params = initParams();
  const step = makeTrainStep(logisticLoss(), opt, { hasAux: true });
  try {
    const result = await fit({
      params,
      optState: opt.init(params),
      trainStep: step,
      trainData: epochBatches(train, { batchSize: 32, key }),
      evalData: () => batches(test, { batchSize: 32 }),
      epochs: 2,
      reporter,
    });
    tree.dispose([result.params, result.optState]);
  } finally {
    step.dispose();
  }
}

describe('progress', () => {
  it('draws a progress bar in place on a terminal', async () => {
    const tty = sink(true);
    await train2(progressBarReporter({ stream: tty, refreshMs: 0 }));
    const text = tty.text;
    // Redrawn in place: carriage return + erase line before every frame.
    const frames = text.split('\r\u001b[2K').filter((f) => f.length > 0);
    expect(frames.length).toBeGreaterThanOrEqual(16);
    const firstStep = frames.find((f) => f.startsWith('Epoch 1/2'));
    expect(firstStep).toMatch(
      /^Epoch 1\/2 \[=*>? *\] 1\/8 loss \d\.\d{4} accuracy \d\.\d{4} \| [\d,.]+ ex\/s ETA [\d.:]+s?$/,
    );
    expect(text).toContain('[============>           ] 4/8');
    // Each epoch ends with one completed line holding the validation metrics, then a newline.
    const lines = text.split('\n').map((l) => l.split('\r\u001b[2K').at(-1));
    const epochLines = lines.filter((l) => l?.includes('val_loss'));
    expect(epochLines).toHaveLength(2);
    expect(epochLines[0]).toMatch(
      /^Epoch 1\/2 \[=+\] loss \d\.\d{4} accuracy \d\.\d{4} val_loss \d\.\d{4} val_accuracy \d\.\d{4} \| [\d,.]+ ex\/s [\d.]+s \(step 8\)$/,
    );
    expect(epochLines[1]).toMatch(/^Epoch 2\/2 .*\(step 16\)$/);
    // Evaluations are printed above the bar.
    expect(text).toContain('evaluation at step 8 (epoch 1): loss=');
  });

  it('throttles redraws but always draws the last step of an epoch', async () => {
    const tty = sink(true);
    await train2(progressBarReporter({ stream: tty, refreshMs: 60_000 }));
    const frames = tty.text.split('\r\u001b[2K').filter((f) => f.startsWith('Epoch'));
    // Per epoch: the first step (nothing drawn yet), the last step, the epoch line.
    expect(frames.filter((f) => f.includes(' 8/8 '))).toHaveLength(2);
    expect(frames.filter((f) => / [2-7]\/8 /.test(f))).toHaveLength(0);
  });

  it('prints plain lines when the stream is not a terminal', async () => {
    const plain = sink(false);
    await train2(autoReporter(plain));
    expect(plain.text).not.toContain('\r');
    expect(plain.text).not.toContain('\u001b');
    const lines = plain.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^epoch 1\/2 step 1\/8 loss=\d\.\d{4} accuracy=\d\.\d{4} [\d,.]+ examples\/s eta [\d.:]+s?$/,
    );
    expect(lines.filter((l) => l.startsWith('epoch 1/2 step'))).toHaveLength(7); // steps 1–7; 8 is the summary
    expect(lines).toContainEqual(
      expect.stringMatching(/^evaluation at step 16 \(epoch 2\): loss=/),
    );
    expect(lines.at(-2)).toMatch(
      /^epoch 2\/2 done in [\d.:]+s?: loss=\d\.\d{4} accuracy=\d\.\d{4} val_loss=\d\.\d{4} val_accuracy=\d\.\d{4} \([\d,.]+ examples\/s\)$/,
    );
    expect(lines.at(-1)).toBe('training finished after 16 steps');
  });

  it('sends the same lines to the Effect logger with logReporter', async () => {
    const logged: string[] = [];
    const capture = Logger.make(({ message }) => {
      logged.push(String(Array.isArray(message) ? message[0] : message));
    });
    const opt = optimizer();
    const params = initParams();
    const step = makeTrainStep(logisticLoss(), opt, { hasAux: true });
    try {
      const result = await Effect.runPromise(
        fitEffect({
          params,
          optState: opt.init(params),
          trainStep: step,
          trainData: epochBatches(train, { batchSize: 64, key }),
          epochs: 1,
        }).pipe(
          Effect.provide(
            Layer.mergeAll(
              cpuBackendLayer(),
              reporterLayer(logReporter({ everySteps: 2 })),
              Logger.layer([capture]),
            ),
          ),
        ),
      );
      tree.dispose([result.params, result.optState]);
      expect(logged[0]).toMatch(/^epoch 1\/1 step 2\/4 loss=/);
      expect(logged.some((l) => l.startsWith('epoch 1/1 done in'))).toBe(true);
    } finally {
      step.dispose();
    }
  });

  it('formats values, rates and durations', () => {
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(1.5e-6)).toBe('1.500e-6');
    expect(formatValue(123456)).toBe('1.235e5');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatRate(12345.6)).toBe('12,346');
    expect(formatRate(42.25)).toBe('42.3');
    expect(formatDuration(4.25)).toBe('4.3s');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
