import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bug } from '../../core/words.js';
import { RUN_FOLDER_WORDS } from '../../core/words/run-folder.js';
import { writeJsonAtomically } from '../atomic-file.js';

/** The file in a plan folder that holds its approvals, beside plan.json. */
export const APPROVAL_FILE = 'approval.json';

/**
 * One approval of a saved plan: it names the exact plan id it approves, and
 * the target the plan was made for. Signed when the team sets a key: a
 * shared secret (HMAC-SHA-256) or an Ed25519 key pair, through node:crypto.
 */
export interface Approval {
  readonly planId: string;
  readonly target: string;
  /** The name given to `approve --as`. */
  readonly by: string;
  /** The OS user who ran `approve`: four eyes means another one applies. */
  readonly osUser: string;
  readonly at: string;
  /** The plan folder, relative to the reports root (a plan folder elsewhere: as given). */
  readonly planFolder: string;
  readonly signature: { readonly alg: 'hmac-sha256' | 'ed25519'; readonly value: string } | null;
}

/** The team's approval key: a shared secret, an Ed25519 private key (signs and checks) or public key (checks only). */
export type ApprovalKey =
  | { readonly kind: 'hmac-sha256'; readonly secret: Buffer }
  | { readonly kind: 'ed25519'; readonly privateKey: KeyObject | undefined; readonly publicKey: KeyObject };

/** Why a key file cannot be used; undefined when it can. */
export type KeyProblem = 'empty' | 'short' | 'not-ed25519' | 'unreadable-pem';

/**
 * The approval key in `text`: a PEM block is an Ed25519 key (a private key
 * also gives its public one); anything else is a shared secret, of at least
 * 32 characters (a short one is guessed offline from one signature).
 */
export function parseApprovalKey(text: string): ApprovalKey | KeyProblem {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty';
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      if (/PRIVATE KEY-----/.test(trimmed)) {
        const privateKey = createPrivateKey(trimmed);
        if (privateKey.asymmetricKeyType !== 'ed25519') return 'not-ed25519';
        return { kind: 'ed25519', privateKey, publicKey: createPublicKey(privateKey) };
      }
      const publicKey = createPublicKey(trimmed);
      if (publicKey.asymmetricKeyType !== 'ed25519') return 'not-ed25519';
      return { kind: 'ed25519', privateKey: undefined, publicKey };
    } catch {
      return 'unreadable-pem';
    }
  }
  if (trimmed.length < 32) return 'short';
  return { kind: 'hmac-sha256', secret: Buffer.from(trimmed, 'utf8') };
}

/** What is signed: every field but the signature and the folder (which moves with a copy), as one unambiguous JSON text. */
function signedText(approval: Omit<Approval, 'signature'>): Buffer {
  return Buffer.from(JSON.stringify(['ti-credits approval', 1, approval.planId, approval.target, approval.by, approval.osUser, approval.at]), 'utf8');
}

/** The approval signed with `key`; unsigned without one. A public key alone cannot sign. */
export function signApproval(approval: Omit<Approval, 'signature'>, key: ApprovalKey | undefined): Approval {
  if (key === undefined) return { ...approval, signature: null };
  const text = signedText(approval);
  if (key.kind === 'hmac-sha256') return { ...approval, signature: { alg: key.kind, value: createHmac('sha256', key.secret).update(text).digest('base64') } };
  if (key.privateKey === undefined) throw bug(RUN_FOLDER_WORDS, 'TIC-INTERNAL-PUBLIC-KEY-SIGNS', {});
  return { ...approval, signature: { alg: key.kind, value: sign(null, text, key.privateKey).toString('base64') } };
}

/** Whether the approval's signature is one `key` made. */
export function signatureHolds(approval: Approval, key: ApprovalKey): boolean {
  const { signature } = approval;
  if (signature === null || signature.alg !== key.kind || typeof signature.value !== 'string') return false;
  const text = signedText(approval);
  if (key.kind === 'hmac-sha256') {
    const expected = createHmac('sha256', key.secret).update(text).digest();
    const given = Buffer.from(signature.value, 'base64');
    return given.length === expected.length && expected.equals(given);
  }
  try {
    return verify(null, text, key.publicKey, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}

/** Whether a value read back is an approval in the shape ti-credits writes. */
export function isApproval(value: unknown): value is Approval {
  if (typeof value !== 'object' || value === null) return false;
  const approval = value as Record<string, unknown>;
  return (
    ['planId', 'target', 'by', 'osUser', 'at', 'planFolder'].every((field) => typeof approval[field] === 'string') &&
    (approval.signature === null || typeof approval.signature === 'object')
  );
}

/** The approvals approval.json of a plan folder holds; none when it has none that read. */
export async function readFolderApprovals(planFolder: string): Promise<Approval[]> {
  try {
    const parsed = JSON.parse(await readFile(join(planFolder, APPROVAL_FILE), 'utf8')) as { approvals?: unknown };
    return Array.isArray(parsed.approvals) ? parsed.approvals.filter(isApproval) : [];
  } catch {
    return [];
  }
}

/** Adds an approval to the plan folder's approval.json, whole or not at all. */
export async function addFolderApproval(planFolder: string, approval: Approval): Promise<void> {
  const approvals = await readFolderApprovals(planFolder);
  await writeJsonAtomically(join(planFolder, APPROVAL_FILE), { approvals: [...approvals, approval] });
}
