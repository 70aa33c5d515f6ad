using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

/// <summary>Every rule of the case-code word list (docs/DESIGN.md#31-case-codes-in-korean-words), checked over the shipped file.</summary>
public sealed class CaseWordListTests
{
    // Substrings that would make a code alarming or identifying on a screen or read aloud: North Korea,
    // places, politics, military, crime, illness, death, religion, money, distress.
    private static readonly string[] ExcludedStems = """
        북한 남한 평양 통일 탈북 북송 송환 국경 경계 간첩 공산 혁명 독재 정치 정부 정당 선거 대통령 총리 국회 의원 위원 장관 국가 국민 국기 국왕 국적 국제 국내 국립 민족 민주 대한민국 왕비 왕자
        여왕 백성 만세 세종 이민 여권 귀국 외국 선전 통제 명령 권리 권위 시위 투쟁 군대 군사 군인 공군 해군 육군 여군 입대 장군 전쟁 전투 공격 미사일 잠수함 무기 총알 폭탄 폭발 쿠데타 병사 포로
        작전 범죄 범인 마약 살인 도둑 강도 경찰 형사 구속 처벌 재판 판결 판사 법원 법률 법적 불법 위법 위반 죄인 강제 도망 감옥 체포 파출소 변호사 벌금 사건 증거 위협 위험 감시 수사 고문 탈출
        신고 비밀 납치 추방 구금 수용소 심판 병원 병실 질병 감기 독감 환자 입원 퇴원 진료 진찰 수술 통증 증상 증세 몸살 설사 중독 소아과 산부인과 안과 약국 치료 기침 재채기 혈액 진통 부작용 비만
        장애 부상 상처 고통 비명 비극 충격 충돌 악몽 암시 의학 장례 무덤 죽음 사망 시체 제삿날 영혼 귀신 천국 하느님 종교 기독교 불교 목사 스님 성당 교회 주일 기도 신화 신비 돈 가격 금액 거액
        현금 은행 예금 저축 대출 세금 월급 월세 전세 요금 비용 상금 장학금 퇴직금 임금 환율 통장 증권 주식 달러 재산 부동산 공짜 할인 보험 지급 수입 수출 무역 경제 판매 계약 금고 모금 이익 손실
        손해 액수 보상 보너스 경비 부자 가난 물가 예산 저금 매장 상업 상품 상인 장사 시장 분노 불안 절망 공포 경고 긴급 비상 슬픔 괴로움 외로움 미움 짜증 걱정 고민 실패 실망 울음 눈물 이별 이혼
        외침 야단 흉내 차별 편견 비난 반발 항의 희생 고생 서울 부산 광주 대전 울산 인천 강원 경상 전라 충청 제주 강남 강북 경복궁 경주 고구려 백제 조선 삼국 금강산 백두산 설악산 지리산 한라산
        남산 남대문 종로 영남 호남 안동 전주 미국 중국 일본 영국 독일 프랑스 아시아 아프리카 유럽 뉴욕 베이징 김포 인도 백인 흑인 한글 한복 한식 양주 중부 북부
        국화 촛불 부채 목련 목란 진달래 태양 초상화 까마귀 병풍
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    // English loanwords an elder born in the North may not know (the BIP-39 list holds many).
    private static readonly string[] Loanwords = """
        가이드 게임 그룹 넥타이 다이어트 데이트 마라톤 마사지 마요네즈 마이크 매스컴 메일 모니터 모델 미디어 미팅 바나나 바이러스 발레 배드민턴 버튼 벨트 보너스 볼펜 브랜드 비닐 비디오 비타민 빌딩
        서비스 서클 세미나 센터 센티미터 쇼핑 스웨터 스위치 스케이트 스튜디오 스트레스 스포츠 시나리오 시리즈 시멘트 시스템 시즌 아나운서 아스팔트 아파트 알루미늄 알코올 앨범 에너지 에어컨 엔진 오렌지
        오븐 오페라 오피스텔 온라인 올림픽 와이셔츠 와인 웨이터 원피스 월드컵 인터넷 잼 채널 챔피언 카메라 카운터 캐릭터 캠퍼스 캠페인 커튼 컨디션 컬러 컴퓨터 코미디 콘서트 콜라 콤플렉스 크림 클래식
        클럽 킬로 타입 탤런트 터널 터미널 테니스 테스트 테이블 텔레비전 토마토 트럭 티셔츠 파일 팝송 패션 팩스 팩시밀리 팬티 퍼센트 페인트 포스터 포인트 프린터 플라스틱 피아노 필름 핸드백 햄버거 헬기
        호텔 홈페이지 하드웨어 밀리미터 초콜릿 피망 조깅 골프 달러 뉴욕 금메달 쿠데타 택시 시소 버스 라디오 커피 케이크 주스 아이스크림 오토바이 텔레비 소파
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    // Syllables that occur in transliterated foreign words but in no common native or Sino-Korean noun.
    private const string TransliterationSyllables = "즈쥬츠튜텔렌셔쇼샤슈퓨뷰챔캠캐컴켓킹킬탤팩팬펜핑햄헬앨엔프트테케카쿠";

    private static readonly IReadOnlyList<string> Words = CaseWordList.Shared.Words;

    [Fact]
    public void ListHasExactlyFiveHundredTwelveDistinctWords()
    {
        Assert.Equal(512, Words.Count);
        Assert.Equal(Words.Count, Words.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void FileIsNfcAndEveryWordIsTwoOrThreeHangulSyllables()
    {
        using var stream = typeof(CaseWordList).Assembly.GetManifestResourceStream(CaseWordList.ResourceName)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        Assert.True(text.IsNormalized(NormalizationForm.FormC));
        Assert.All(Words, w =>
        {
            Assert.InRange(w.Length, 2, 3);
            Assert.All(w, c => Assert.InRange(c, '\uAC00', '\uD7A3'));
        });
    }

    [Fact]
    public void NoWordHoldsAnExcludedStem()
    {
        Assert.Contains("북한", ExcludedStems);
        Assert.Contains("장례", ExcludedStems);
        var hits = Words.Where(w => ExcludedStems.Any(s => w.Contains(s, StringComparison.Ordinal))).ToList();
        Assert.Empty(hits);
    }

    [Fact]
    public void NoWordIsALoanword()
    {
        Assert.Empty(Words.Intersect(Loanwords, StringComparer.Ordinal));
        Assert.DoesNotContain(Words, w => w.Any(c => TransliterationSyllables.Contains(c, StringComparison.Ordinal)));
    }

    [Fact]
    public void NoTwoWordsShareTheirFirstTwoSyllables()
    {
        // So no word starts another (every word has at least two syllables) and two typed syllables name the word.
        var shared = Words.GroupBy(w => w[..2], StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => string.Join("/", g)).ToList();
        Assert.Empty(shared);
    }

    [Fact]
    public void NoTwoWordsAreWithinOneJamoEditOfEachOthersSound()
    {
        var keys = Words.Select(Hangul.SoundKey).ToArray();
        var close = new List<string>();
        for (var i = 0; i < keys.Length; i++)
        {
            for (var j = i + 1; j < keys.Length; j++)
            {
                if (Hangul.Distance(keys[i], keys[j], 1) <= 1)
                {
                    close.Add(Words[i] + "/" + Words[j]);
                }
            }
        }

        Assert.Empty(close);
    }

    [Theory]
    [InlineData("낫", "낮", 0)]      // finals as pronounced: ㅅ and ㅈ both sound ㄷ
    [InlineData("낮", "낯", 0)]
    [InlineData("개", "게", 0)]      // ㅐ and ㅔ sound alike
    [InlineData("왜", "외", 0)]
    [InlineData("하늘", "마늘", 1)]  // one initial consonant
    [InlineData("바다", "바더", 1)]  // one vowel
    [InlineData("바다", "바닥", 1)]  // one final added
    [InlineData("바다", "바지", 2)]  // a whole syllable differs
    [InlineData("바다", "하늘", 4)]  // capped at max + 1
    [InlineData("닭", "닥", 0)]      // compound final ㄺ sounds ㄱ
    [InlineData("과", "가", 1)]      // a compound vowel is one unit
    public void SoundDistanceKnownAnswers(string a, string b, int expected)
    {
        Assert.Equal(expected, Hangul.Distance(Hangul.SoundKey(a), Hangul.SoundKey(b), 3));
    }

    [Fact]
    public void ParsedListIgnoresNotesAndNormalizesNfd()
    {
        var list = CaseWordList.Parse("# a note\n" + "바다".Normalize(NormalizationForm.FormD) + "\n\n하늘\n");
        Assert.Equal(["바다", "하늘"], list.Words);
    }

    [Fact]
    public void MatchCorrectsOneTypoAndRefusesAmbiguousOrUnknownPieces()
    {
        var list = CaseWordList.Shared;
        Assert.Equal(Index("하늘"), list.Match("하늘", out var exact));
        Assert.True(exact);
        Assert.Equal(Index("하늘"), list.Match("하닐", out exact));
        Assert.False(exact);
        Assert.Equal(Index("소나무"), list.Match("소남무", out _));

        // 나방 is one jamo from both 가방 and 난방: ambiguous, so no match.
        Assert.Contains("가방", Words);
        Assert.Contains("난방", Words);
        Assert.Equal(-1, list.Match("나방", out _));
        Assert.Equal(-1, list.Match("컴퓨터", out _));
        Assert.Equal(-1, list.Match("abc", out _));
        Assert.Equal(-1, list.Match("", out _));
        Assert.Equal(-1, list.Match("하늘하늘하늘", out _));
    }

    private static int Index(string word) => Words.ToList().IndexOf(word);
}
