/**
 * "Accept" / "Decline" on a briefing offer (or an officer's invitation) in the notice DM. The button's value is the
 * person's answer-link token: it is checked as the answer page checks it (link-answers.ts), the click must come
 * from the Slack user the link was made for, so a forwarded or shared message cannot answer for anyone, and the
 * answer goes through the API's answer route (the API writes the ledger). The DM is
 * replaced with the answer on record; a refusal (the offer closed, the link already used) is said in words.
 */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { DomainError } from '../../../briefings/errors.js';
import { LinkRefused } from '../../../http/link-answers.js';
import { errorFields } from '../../../queue/log.js';
import { escapeMrkdwn } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';

const say = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

export function briefingAnswerAction(deps: SlackDeps, response: 'accept' | 'decline') {
  return async ({ ack, action, body, respond }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const answers = deps.briefings;
    if (!answers) {
      await respond(say('Answering briefing offers from Slack is not switched on here: please use the link in your email.'));
      return;
    }
    const token = action.value ?? '';
    try {
      const claims = await answers.claims(token);
      const person = deps.council.byId.get(claims.u);
      if (!person?.slack || person.slack !== body.user.id) {
        deps.log.warn({ user: body.user.id }, 'briefing answer button clicked by someone it was not sent to');
        await respond(say(`These buttons are for ${person?.name ?? 'the person this message was sent to'} only.`));
        return;
      }
      const answered = await answers.answer(token, response);
      const title = escapeMrkdwn(answered.title);
      const outcome = answered.answered ?? (response === 'accept' ? 'Accepted' : 'Declined');
      const next = response === 'accept' ? ' The office will be in touch.' : '';
      await respond({
        replace_original: true,
        text: `${outcome}: ${answered.title}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${escapeMrkdwn(outcome)}.${next}` } }],
      });
      deps.log.info({ user: body.user.id, kind: claims.k, id: claims.id, response }, 'briefing answer recorded from Slack');
    } catch (error) {
      if (error instanceof LinkRefused || error instanceof DomainError) {
        await respond(say(`${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}`));
        return;
      }
      deps.log.error({ user: body.user.id, ...errorFields(error) }, 'could not record a briefing answer from Slack');
      await respond(say('Your answer could not be recorded just now. Please try again, or use the link in your email.'));
    }
  };
}
