/**
 * Job name → processor for the `lint` queue. The worker dispatches on `job.name`; a job with a name missing here
 * fails as unrecoverable. To add a channel: its payload type in `lint-jobs.ts`, its import and one line below.
 */
import { slackCheckProcessor } from '../slack/processors/slack-check.processor.js';
import { slackMessageProcessor } from '../slack/processors/slack-message.processor.js';
import { imapDraftProcessor } from '../mail/imap-draft-processor.js';
import type { ProcessorRegistry } from './processor.js';

export const processors: ProcessorRegistry = {
  'slack-message': slackMessageProcessor,
  'slack-check': slackCheckProcessor,
  'imap-draft': imapDraftProcessor,
};
