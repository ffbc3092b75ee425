/** What the Slack listeners are given (passed in, never hung off the Bolt app). */
import type { Council } from '../directory/council.js';
import type { ButtonAnswers } from '../http/link-answers.js';
import type { LintProducer } from '../queue/lint-queue.js';
import type { Log } from '../queue/log.js';
import type { ChannelMemberCache } from './channel-members.js';
import type { EventDeduper } from './dedupe.js';
import type { FeedbackStore } from './feedback-store.js';

export interface SlackDeps {
  /** Who is in the directory: only their messages are checked unprompted. */
  council: Council;
  lint: Pick<LintProducer, 'add'>;
  dedupe: EventDeduper;
  feedback: FeedbackStore;
  /** Channel members, shared with the lint workers: joins and leaves drop a channel's copy. */
  members: Pick<ChannelMemberCache, 'invalidate'>;
  log: Log;
  /** Only response_urls with this prefix are followed (Slack's: https://hooks.slack.com/). */
  responseUrlPrefix: string;
  /** Briefing offers' and invitations' answer buttons (the notice DMs); without it those buttons are refused politely. */
  briefings?: ButtonAnswers;
}
