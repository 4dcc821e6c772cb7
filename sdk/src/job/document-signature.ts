import {
  keccak256,
  recoverMessageAddress,
  stringToBytes,
  type Address,
  type Hex,
  type LocalAccount,
} from 'viem';

/**
 * How Orange Cloud documents are signed (market v2): EIP-191 `signMessage` over
 * keccak256(prefix + canonical JSON of the document without its signature). The prefix names the
 * kind of document and its version, so a signature over one kind never passes for another.
 */
export function documentDigest(prefix: string, canonical: string): Hex {
  return keccak256(stringToBytes(prefix + canonical));
}

export function signDocument(account: LocalAccount, prefix: string, canonical: string) {
  return account.signMessage({ message: { raw: documentDigest(prefix, canonical) } });
}

/** Who signed the document; throws when the signature is malformed. */
export function documentSigner(prefix: string, canonical: string, signature: Hex) {
  return recoverMessageAddress({
    message: { raw: documentDigest(prefix, canonical) },
    signature,
  }) as Promise<Address>;
}
