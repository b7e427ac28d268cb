/**
 * Check mode keeps, per target, what each changed plan would have made, so
 * later tasks plan against it (src/facts/planned.ts). A plan's `put` steps
 * say it themselves; modules list the rest in `Plan.effects`.
 */
import { PlannedState, type PlannedEffect } from '../facts/planned.js';
import type { Plan } from '../modules/types.js';

/** The controller, whatever name a task reached it by (localhost, 127.0.0.1, a controller-only module). */
export const CONTROLLER = '@controller';

export function plannedStateFor(states: Map<string, PlannedState>, target: string): PlannedState {
  let state = states.get(target);
  if (!state) states.set(target, (state = new PlannedState()));
  return state;
}

/** Records a changed plan's effects: on the task's target, and on the controller for steps that run there. */
export function recordPlanned(states: Map<string, PlannedState>, target: string, plan: Plan): void {
  const own: PlannedEffect[] = [];
  const controller: PlannedEffect[] = [];
  for (const step of plan.steps ?? []) {
    if (step.kind === 'put') {
      const content = 'text' in step.content ? Buffer.from(step.content.text) : 'base64' in step.content ? Buffer.from(step.content.base64, 'base64') : undefined;
      const effect: PlannedEffect = {
        kind: 'path',
        path: step.dest,
        type: 'file',
        ...(content ? { content } : {}),
        ...(step.mode !== undefined ? { mode: step.mode } : {}),
        ...(step.owner ? { owner: step.owner } : {}),
        ...(step.group ? { group: step.group } : {}),
      };
      (step.on === 'controller' ? controller : own).push(effect);
    } else if (step.kind === 'fetch') {
      controller.push({ kind: 'path', path: step.dest, type: 'file', mode: step.mode ?? 0o600 });
    }
  }
  own.push(...(plan.effects ?? []));
  if (own.length) plannedStateFor(states, target).record(own);
  if (controller.length) plannedStateFor(states, CONTROLLER).record(controller);
}
