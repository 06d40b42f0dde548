import type { NamespaceHandlers, Services } from './types';

export const notificationHandlers = ({ smtp }: Services): NamespaceHandlers<'notifications'> => ({
  'notifications.getSmtp': () => ({ smtp: smtp.get() }),
  'notifications.setSmtp': (input) => smtp.set(input),
  'notifications.sendTest': ({ to }) => smtp.sendTest(to),
});
