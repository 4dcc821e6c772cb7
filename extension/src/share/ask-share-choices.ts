import type * as vscode from 'vscode';
import { parseTokens, type TokenTerms } from '@orange-cloud/sdk';
import {
  memoryProblem,
  priceInTokens,
  priceProblem,
  type Machine,
  type ShareChoices,
} from './share-choices.js';

/** What the form shows besides the current choices. */
export interface ShareFormContext {
  machine: Machine;
  terms: TokenTerms;
  /** "active providers ask 0.000001–0.000002 OTTx/s per core (2 providers)". */
  marketRange: string;
  /** The runtimes whose images are present. */
  runtimes: string[];
  /** Whether a systemd user unit can keep the daemon running with VS Code closed. */
  canKeepRunning: boolean;
}

/**
 * Each step stays open when the focus moves (the walkthrough redraws as its step completes, and
 * the user may look something up): only Escape cancels.
 */
const KEEP_OPEN = { ignoreFocusOut: true } as const;

const tokenPrice = (text: string, terms: TokenTerms): string | undefined => {
  try {
    return parseTokens(text, terms).toString();
  } catch {
    return undefined;
  }
};

/**
 * Share Compute's form: cores, memory, price (with the market's range), runtimes, and whether to
 * keep sharing with VS Code closed. Each step is prefilled; Escape at any step starts nothing.
 */
export async function askShareChoices(
  vs: typeof vscode,
  current: ShareChoices,
  context: ShareFormContext,
): Promise<ShareChoices | undefined> {
  const { machine, terms } = context;
  const steps = context.canKeepRunning ? 5 : 4;
  const cores = await vs.window.showQuickPick(
    Array.from({ length: machine.cores }, (_, i) => i + 1).map((n) => ({
      label: `${n} core${n === 1 ? '' : 's'}`,
      description: n === current.cores ? 'current' : undefined,
      picked: n === current.cores,
      cores: n,
    })),
    {
      ...KEEP_OPEN,
      title: `Share Compute: CPU cores (1/${steps})`,
      placeHolder: `This machine has ${machine.cores} cores; how many may jobs use?`,
    },
  );
  if (!cores) return undefined;

  const memory = await vs.window.showInputBox({
    ...KEEP_OPEN,
    title: `Share Compute: memory in MB (2/${steps})`,
    prompt: `This machine has ${machine.memoryMb} MB.`,
    value: String(current.memoryMb),
    validateInput: (text) => memoryProblem(Number(text.trim()), machine),
  });
  if (memory === undefined) return undefined;

  const price = await vs.window.showInputBox({
    ...KEEP_OPEN,
    title: `Share Compute: price per core-second in ${terms.symbol} (3/${steps})`,
    prompt: `Now ${context.marketRange}.`,
    value: priceInTokens(current.pricePerCoreSecond, terms),
    validateInput: (text) => {
      const wei = tokenPrice(text, terms);
      return wei === undefined
        ? `A plain decimal amount of ${terms.symbol}, e.g. 0.000001.`
        : priceProblem(wei);
    },
  });
  if (price === undefined) return undefined;

  const runtimes = await vs.window.showQuickPick(
    context.runtimes.map((name) => ({
      label: name,
      picked: current.runtimes.length === 0 || current.runtimes.includes(name),
    })),
    {
      ...KEEP_OPEN,
      title: `Share Compute: runtimes (4/${steps})`,
      placeHolder: 'The runtimes whose images are on this machine; pick the ones to offer.',
      canPickMany: true,
    },
  );
  if (!runtimes || runtimes.length === 0) return undefined;

  let keepRunning = false;
  if (context.canKeepRunning) {
    const keep = await vs.window.showQuickPick(
      [
        { label: 'Stop with VS Code', keep: false },
        {
          label: 'Keep sharing when VS Code is closed',
          description: 'a systemd user service',
          keep: true,
        },
      ],
      { ...KEEP_OPEN, title: `Share Compute: when VS Code closes (5/${steps})` },
    );
    if (!keep) return undefined;
    keepRunning = keep.keep;
  }
  const all = runtimes.length === context.runtimes.length;
  return {
    ...current,
    cores: cores.cores,
    memoryMb: Number(memory.trim()),
    pricePerCoreSecond: tokenPrice(price, terms)!,
    runtimes: all ? [] : runtimes.map((r) => r.label),
    keepRunning,
  };
}
