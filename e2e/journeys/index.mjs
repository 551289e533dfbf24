// The journeys, in the order they run; each gets a fresh `tandem demo`
// server. Add a journey: write a module that exports { name, run(t) } beside
// this file and list it here.

import admin from './admin.mjs';
import chairHealth from './chair-health.mjs';
import crossInstitution from './cross-institution.mjs';
import director from './director.mjs';
import facilitatorRound from './facilitator-round.mjs';
import findMentor from './find-mentor.mjs';
import firstMeeting from './first-meeting.mjs';
import health from './health.mjs';
import keyboard from './keyboard.mjs';
import mentee from './mentee.mjs';
import noFaultEnding from './no-fault-ending.mjs';
import roles from './roles.mjs';
import stableRound from './stable-round.mjs';
import wrongPassword from './wrong-password.mjs';

export default [mentee, wrongPassword, director, crossInstitution, admin, keyboard, roles, findMentor, facilitatorRound, stableRound, firstMeeting, noFaultEnding, health, chairHealth];
