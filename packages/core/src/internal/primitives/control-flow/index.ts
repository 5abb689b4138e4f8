/**
 * The higher-order primitives: calls and control flow that hold jaxprs
 * (`jit`, `scan`, `cond`, `whileLoop`), custom derivatives and
 * rematerialisation. Importing this family also registers the
 * partial-evaluation rules that `grad` needs for them.
 */
import type { RuleSet } from '../rules.js';
import { checkpointRules } from './checkpoint.js';
import { condRules } from './cond.js';
import { customJvpRules } from './custom-jvp.js';
import { customLinRules, customVjpRules } from './custom-vjp.js';
import { jitRules } from './jit.js';
import { scanRules } from './scan.js';
import { whileLoopRules } from './while-loop.js';

/** Rules of every higher-order primitive. */
export const controlFlowRules: RuleSet<
  | 'jit'
  | 'scan'
  | 'cond'
  | 'whileLoop'
  | 'customJvpCall'
  | 'customVjpCall'
  | 'customLin'
  | 'checkpoint'
> = {
  jit: jitRules,
  scan: scanRules,
  cond: condRules,
  whileLoop: whileLoopRules,
  customJvpCall: customJvpRules,
  customVjpCall: customVjpRules,
  customLin: customLinRules,
  checkpoint: checkpointRules,
};
