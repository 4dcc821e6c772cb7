import {
  keccak256,
  recoverMessageAddress,
  toBytes,
  type Address,
  type Hex,
  type LocalAccount,
} from 'viem';
import { canonicalJson } from './document-fields.js';

/**
 * How every signed protocol document is signed: EIP-191 `signMessage` over
 * keccak256(prefix + canonical JSON of the document without its signature). The prefix names
 * the document kind and version (e.g. "orange-cloud/result/v2\n"), so a signature over one
 * kind never verifies as another.
 */
export function documentDigest(prefix: string, body: unknown): Hex {
  return keccak256(toBytes(`${prefix}${canonicalJson(body)}`));
}

export function signDocument(account: LocalAccount, prefix: string, body: unknown): Promise<Hex> {
  return account.signMessage({ message: { raw: documentDigest(prefix, body) } });
}

/** Who signed `body` under `prefix`; undefined when the signature is malformed. */
export async function documentSigner(
  prefix: string,
  body: unknown,
  signature: Hex,
): Promise<Address | undefined> {
  try {
    return await recoverMessageAddress({
      message: { raw: documentDigest(prefix, body) },
      signature,
    });
  } catch {
    return undefined;
  }
}

export const SIGNATURE_HEX = /^0x[0-9a-fA-F]{130}$/;
