import crypto from 'node:crypto';

/**
 * The affected user's appeal token for a decision (DSA Art. 20): derived from the link key (outside the
 * database) and the decision id, so it can be put in the statement email when that is sent, without the
 * token itself ever being stored. The database keeps only its sha256, to check an appeal.
 */
export function appealTokenFor(linkKey: Buffer, decisionId: string): string {
  return crypto.createHmac('sha256', linkKey).update(`vigie/appeal-token/v1:${decisionId}`).digest('base64url').slice(0, 32);
}
