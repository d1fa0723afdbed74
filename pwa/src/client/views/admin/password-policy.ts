// The password policy as the user form shows it before sending: the server's rule
// (server/passwords.py) with the same estimator, zxcvbn, loaded only when an admin types one.
import { PASSWORD_MIN_LENGTH, PASSWORD_MIN_SCORE } from '../../../shared/rules.generated';
import { t } from '../../../shared/i18n';

type Score = (password: string, names: string[]) => number;
let scorer: Promise<Score> | null = null;

function loadScorer(): Promise<Score> {
  scorer ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) => {
      const factory = new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary },
        graphs: common.adjacencyGraphs,
      });
      return (password, names) => factory.check(password, names).score;
    },
  );
  return scorer;
}

/** What is wrong with a new password, in words (empty when it is fine). */
export async function passwordProblems(password: string, names: string[]): Promise<string[]> {
  if (password.length < PASSWORD_MIN_LENGTH)
    return [t('users.password_rule', { n: PASSWORD_MIN_LENGTH })];
  const lowered = password.toLowerCase();
  const own = names.map((n) => n.trim().toLowerCase()).filter((n) => n.length >= 3);
  if (own.some((n) => lowered.includes(n))) return [t('users.password_has_name')];
  const score = (await loadScorer())(password.slice(0, 100), own);
  return score < PASSWORD_MIN_SCORE ? [t('users.password_easy')] : [];
}
